package base

import (
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// GRPCError maps an error to a gRPC status: bad input to InvalidArgument,
// missing records to NotFound, role and grant refusals to PermissionDenied,
// and anything without a code to Internal. The message keeps the ABCI code
// so that clients can tell errors apart.
func GRPCError(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	var c *Code
	if !errors.As(err, &c) {
		return status.Error(codes.Internal, err.Error())
	}
	code := codes.InvalidArgument
	switch {
	case errors.Is(err, ErrNotFound):
		code = codes.NotFound
	case errors.Is(err, ErrUnauthorized):
		code = codes.PermissionDenied
	case errors.Is(err, ErrAlreadyExists):
		code = codes.AlreadyExists
	case errors.Is(err, ErrInternal):
		code = codes.Internal
	}
	return status.Errorf(code, "%s (codespace %s, code %d)", err.Error(), c.Codespace, c.Code)
}
