using System.Text.Json.Nodes;

namespace GenieHive.Contracts.Nodes;

/// <summary>
/// <c>POST /v1/nodes/register</c>: a host and the full list of its services. Registering replaces
/// every service the host had. Also the body of the node agent's <c>GET /v1/node/registration</c>.
/// </summary>
public sealed record HostRegistration
{
    public required string HostId { get; init; }
    public string? DisplayName { get; init; }
    public required string Address { get; init; }
    public Dictionary<string, string> Labels { get; set; } = [];
    public JsonObject? Capabilities { get; init; }
    public JsonObject? Resources { get; init; }
    public List<RegisteredService> Services { get; set; } = [];
}
