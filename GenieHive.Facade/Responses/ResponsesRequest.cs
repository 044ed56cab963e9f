using System.Text.Json.Nodes;
using GenieHive.Facade.Proxy;

namespace GenieHive.Facade.Responses;

/// <summary>A stateless Responses request: the caller's body (for engines that speak Responses) and its chat translation.</summary>
internal sealed class ResponsesRequest(string model, JsonObject body, JsonObject chat) : ProxyRequest(model)
{
    public JsonObject Body => body;

    public JsonObject Chat => chat;

    /// <summary>The caller sent a <c>reasoning</c> setting, so reasoning items are theirs to see.</summary>
    public bool Reasoning { get; } = body["reasoning"] is JsonObject;
}
