using System.Text.Json.Serialization;
using GenieHive.NodeAgent.Api;

namespace GenieHive.NodeAgent;

/// <summary>The node agent's own wire types (snake_case, like the rest of GenieHive's API).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(NodeStatus))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string))]
internal sealed partial class NodeAgentJsonContext : JsonSerializerContext;
