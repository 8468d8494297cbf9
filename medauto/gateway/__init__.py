"""The request pipeline: route, authenticate, parse, validate, dispatch, serialize."""
