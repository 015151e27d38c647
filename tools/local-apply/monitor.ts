/**
 * Plugs the local engine into @pulumi/pulumi's mock runtime. `setMocks`
 * installs a MockMonitor; its resource and invoke RPCs are replaced here so
 * that every registration reaches the engine with its resource options
 * (protect, retainOnDelete, deleteBeforeReplace, replaceOnChanges, import
 * id), which the public `Mocks.newResource` hook never sees.
 */
import * as pulumi from "@pulumi/pulumi";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
// The generated protobuf classes the monitor answers with (as MockMonitor does).
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import type { LocalEngine } from "./engine";
import type { Props } from "./provider";

type Callback<T> = (err: Error | null, response?: T) => void;

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): structproto.Struct | undefined;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getDeletebeforereplace(): boolean;
  getReplaceonchangesList(): string[];
  getDependenciesList(): string[];
  getImportid(): string;
}

interface InvokeRequest {
  getTok(): string;
  getArgs(): structproto.Struct | undefined;
}

interface OutputsRequest {
  getUrn(): string;
  getOutputs(): structproto.Struct | undefined;
}

interface MonitorHooks {
  registerResource(req: RegisterRequest, callback: Callback<unknown>): void;
  readResource(req: unknown, callback: Callback<unknown>): void;
  invoke(req: InvokeRequest, callback: Callback<unknown>): void;
  registerResourceOutputs(req: OutputsRequest, callback: Callback<unknown>): void;
  signalAndWaitForShutdown?(req: unknown, callback: Callback<unknown>): void;
}

/** Engine values with secrets unwrapped, as a provider receives its inputs. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return plain(record["value"]);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

function deserialize(struct: structproto.Struct | undefined): Props {
  return struct ? (plain(pulumi.runtime.deserializeProperties(struct)) as Props) : {};
}

async function serialize(props: Props): Promise<structproto.Struct> {
  return structproto.Struct.fromJavaScript(await pulumi.runtime.serializeProperties("", props));
}

/** An RPC error the SDK reports with its message (it reads `details`). */
function rpcError(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  return Object.assign(new Error(message), { details: message });
}

/** Routes the current mock monitor's RPCs to `engine`. Call after `setMocks`. */
export function attachEngine(engine: LocalEngine): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorHooks | undefined;
  if (!monitor) throw new Error("no Pulumi monitor: call pulumi.runtime.setMocks first");

  monitor.registerResource = (req, callback) => {
    engine
      .register({
        type: req.getType(),
        name: req.getName(),
        parent: req.getParent(),
        custom: req.getCustom(),
        inputs: deserialize(req.getObject()),
        protect: req.getProtect() === true,
        retainOnDelete: req.getRetainondelete() === true,
        deleteBeforeReplace: req.getDeletebeforereplace(),
        replaceOnChanges: req.getReplaceonchangesList(),
        dependencies: req.getDependenciesList(),
        importId: req.getImportid(),
      })
      .then(async ({ urn, id, outputs }) => {
        const response = new resproto.RegisterResourceResponse();
        response.setUrn(urn);
        response.setId(id);
        response.setObject(await serialize(outputs));
        callback(null, response);
      })
      .catch((err: unknown) => callback(rpcError(err)));
  };

  monitor.readResource = (_req, callback) => {
    callback(rpcError(new Error("reading existing resources (Resource.get) is not emulated by local-apply")));
  };

  monitor.invoke = (req, callback) => {
    const token = req.getTok();
    engine
      .invoke(token, deserialize(req.getArgs()))
      .then(async (result) => {
        const response = new resproto.ResourceInvokeResponse();
        response.setReturn(await serialize(result));
        callback(null, response);
      })
      .catch((err: unknown) => callback(rpcError(err)));
  };

  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, callback) => {
    if (req.getUrn().split("::")[2] === "pulumi:pulumi:Stack") {
      const outputs = req.getOutputs();
      engine.setStackOutputs(outputs ? outputs.toJavaScript() : {});
    }
    // The mock monitor errors for URNs it did not mint; ours are the engine's.
    try {
      registerOutputs(req, () => callback(null, {}));
    } catch {
      callback(null, {});
    }
  };

  // The mock monitor has no shutdown handshake.
  monitor.signalAndWaitForShutdown = (_req, callback) => callback(null, {});
}
