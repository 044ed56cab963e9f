namespace GenieHive.Tests.Compat;

/// <summary>Reading streamed answers in tests.</summary>
internal static class Sse
{
    /// <summary>The <c>data:</c> payloads of an SSE body, in order.</summary>
    public static List<string> DataOf(string body) =>
        [.. body.Replace("\r\n", "\n", StringComparison.Ordinal)
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Trim())
            .Where(e => e.StartsWith("data: ", StringComparison.Ordinal))
            .Select(e => e["data: ".Length..])];

    /// <summary>Drains an async sequence into a list (callers bound it with <c>WaitAsync</c>).</summary>
    public static async Task<List<T>> CollectAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
