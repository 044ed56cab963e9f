namespace GenieHive.Contracts.Auth;

/// <summary>What a key may do. Flags, so a check on the request path is one AND.</summary>
[Flags]
public enum KeyScope
{
    None = 0,

    /// <summary>The OpenAI/Anthropic endpoints and <c>/v1/models</c>.</summary>
    Inference = 1,

    /// <summary>Reading the operator API (<c>GET /v1/cluster/*</c>, the console's <c>/v1/console/*</c>).</summary>
    OperatorRead = 2,

    /// <summary>Changing it: benchmark runs, sample ingest, observations, schedules.</summary>
    OperatorWrite = 4,

    /// <summary>Keys and the audit (<c>/v1/admin/*</c>).</summary>
    Admin = 8,

    /// <summary>Every scope: what a configured key (<c>GenieHive:Auth:ClientApiKeys</c>) holds.</summary>
    All = Inference | OperatorRead | OperatorWrite | Admin,
}

/// <summary>
/// The scope names on the wire and the one rule that says which scope an operator request needs, shared by Control
/// (which serves the operator API) and the facade (which relays it).
/// </summary>
public static class KeyScopes
{
    public const string Inference = "inference";
    public const string OperatorRead = "operator.read";
    public const string OperatorWrite = "operator.write";
    public const string Admin = "admin";

    /// <summary>Every scope name, in the order they are listed.</summary>
    public static readonly IReadOnlyList<string> Names = [Inference, OperatorRead, OperatorWrite, Admin];

    /// <summary>The scope for one name; None for a name that is not a scope.</summary>
    public static KeyScope Parse(string? name) => name switch
    {
        Inference => KeyScope.Inference,
        OperatorRead => KeyScope.OperatorRead,
        OperatorWrite => KeyScope.OperatorWrite,
        Admin => KeyScope.Admin,
        _ => KeyScope.None,
    };

    /// <summary>The names of the scopes in <paramref name="scopes"/>.</summary>
    public static List<string> ToNames(KeyScope scopes) => [.. Names.Where(name => (scopes & Parse(name)) != 0)];

    /// <summary>
    /// The scope an operator API request needs: reads (GET, HEAD and the route match, a question asked by POST) need
    /// <c>operator.read</c>; everything else changes the cluster and needs <c>operator.write</c>.
    /// </summary>
    public static KeyScope ForOperatorRequest(string method, string path) =>
        HttpMethodIsRead(method) || path.EndsWith("/routes/match", StringComparison.Ordinal) ? KeyScope.OperatorRead : KeyScope.OperatorWrite;

    private static bool HttpMethodIsRead(string method) =>
        string.Equals(method, "GET", StringComparison.OrdinalIgnoreCase) || string.Equals(method, "HEAD", StringComparison.OrdinalIgnoreCase);
}
