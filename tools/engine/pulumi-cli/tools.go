//go:build tools

// The CLI's main package lives in pkg/v3/cmd/pulumi. Importing it here keeps
// `go mod tidy` from dropping the requirement and pins every module it needs in
// go.sum, so a cold build reads exactly the graph that was built here.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
