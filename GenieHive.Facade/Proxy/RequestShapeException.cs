namespace GenieHive.Facade.Proxy;

/// <summary>
/// A request body another API's translator cannot express (a content block of an unknown type, a malformed field):
/// thrown while an endpoint reads the request, answered as the client's 400 in the endpoint's shape.
/// </summary>
internal sealed class RequestShapeException(string message) : Exception(message);
