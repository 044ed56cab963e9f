using System.Text.Json.Nodes;
using GenieHive.Facade.Proxy;

namespace GenieHive.Facade.Messages;

/// <summary>
/// An Anthropic Messages request as the endpoint read it: the caller's body (for engines that speak Messages) and its
/// chat completions translation (for the others), both shaped anew for every target.
/// </summary>
internal sealed class MessagesRequest(string model, JsonObject body, JsonObject chat) : ProxyRequest(model)
{
    public JsonObject Body => body;

    /// <summary>The request as chat completions (<see cref="MessagesToChat"/>).</summary>
    public JsonObject Chat => chat;

    public bool Stream { get; } = JsonObjectReader.IsTrue(body, "stream");

    /// <summary>The caller turned extended thinking on, so thinking blocks are theirs to see.</summary>
    public bool Thinking { get; } = MessagesWire.String(body["thinking"], "type") is "enabled" or "adaptive";
}
