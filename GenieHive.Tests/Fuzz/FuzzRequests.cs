using System.Globalization;
using System.Text;
using CsCheck;

namespace GenieHive.Tests.Fuzz;

/// <summary>One generated HTTP request: what is sent, as bytes, so the shrunk counterexample can be replayed by hand.</summary>
internal sealed record FuzzRequest(string Method, string PathAndQuery, string? ContentType, byte[]? Body, IReadOnlyList<(string Name, string Value)> Headers)
{
    public override string ToString()
    {
        var text = new StringBuilder().Append(Method).Append(' ').Append(PathAndQuery.Length > 240 ? PathAndQuery[..240] + "...(" + PathAndQuery.Length + " chars)" : PathAndQuery);
        foreach (var (name, value) in Headers)
        {
            text.Append(" | ").Append(name).Append(": ").Append(value.Length > 80 ? value[..80] + "..." : value);
        }

        if (ContentType is not null)
        {
            text.Append(" | Content-Type: ").Append(ContentType);
        }

        return Body is null ? text.ToString() : text.Append(" | body: ").Append(FuzzBodies.Print(Body)).ToString();
    }
}

/// <summary>The parts of a request other than a JSON body: query strings, headers, content types, multipart uploads.</summary>
internal static class FuzzRequests
{
    /// <summary>A query value as a careless client writes it: plain, empty, percent garbage, a NUL, very long, not ASCII.</summary>
    public static readonly Gen<string> QueryValue = Gen.Frequency(
        (5, Gen.String[Gen.Char.AlphaNumeric, 0, 16]),
        (2, Gen.OneOf("", "%", "%zz", "%00", "%ff%fe", "%ED%A0%80", "a%20b", "..%2F..%2F", "-1", "1e400", "-1e400", "NaN", "Infinity", "null", "99999999999999999999", "true", "[]", "%C3%28")),
        (1, Gen.Int[200, 6000].Select(n => new string('q', n))),
        (1, Gen.String[0, 8].Select(s => Uri.EscapeDataString(s.Replace('\uD800', 'x')))));

    /// <summary>A query string over <paramref name="names"/> (the endpoint's own parameters) and random ones, some repeated.</summary>
    public static Gen<string> Query(params string[] names) =>
        Gen.Select(Gen.OneOf([.. names, "x", "", "limit", "after"]), QueryValue).Array[0, 4]
            .Select(pairs => pairs.Length == 0 ? "" : "?" + string.Join("&", pairs.Select(p => p.Item1 + "=" + p.Item2)));

    /// <summary>Accept headers a JSON API cannot honour: other types, nothing at all (q=0), values that do not parse.</summary>
    public static readonly string[] OddAccepts = ["text/html", "application/xml", "*/*;q=0", "application/json;q=0", "garbage", ";;;", "text/*, image/png"];

    /// <summary>Headers beside the key: a request id to echo (odd or long), an Accept, unknown headers.</summary>
    public static readonly Gen<(string, string)[]> Headers = Gen.Frequency(
        (4, Gen.Const(Array.Empty<(string, string)>())),
        (2, Gen.OneOf("", "id-1", new string('r', 2000), "../../etc", "a b c", "\u007f").Select(id => new[] { ("X-Request-Id", id) })),
        (1, Gen.OneOf([.. OddAccepts, "*/*", "text/event-stream", ""]).Select(accept => new[] { ("Accept", accept) })),
        (1, Gen.OneOf("gzip", "br", "identity", "x-unknown").Select(encoding => new[] { ("Content-Encoding", encoding) })),
        (1, Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 20], Gen.String[Gen.Char.AlphaNumeric, 0, 200]).Array[1, 8]
            .Select(pairs => pairs.Select(p => ("X-" + p.Item1, p.Item2)).ToArray())));

    /// <summary>How the key is sent: mostly right, sometimes missing, wrong, empty or oversized.</summary>
    public static Gen<(string, string)[]> Key(string header, string key) => Gen.Frequency(
        (8, Gen.Const(new[] { (header, key) })),
        (1, Gen.Const(Array.Empty<(string, string)>())),
        (1, Gen.OneOf("", "wrong", "Bearer", "Bearer " + new string('k', 5000), key + key).Select(v => new[] { (header, v) })));

    /// <summary>Mostly JSON, sometimes another type, none, or JSON with an odd charset.</summary>
    public static readonly Gen<string?> JsonContentType = Gen.Frequency(
        (8, Gen.Const<string?>("application/json")),
        (1, Gen.OneOf<string?>(null, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")),
        (1, Gen.OneOf<string?>("application/json; charset=latin1", "application/json; charset=utf-16", "APPLICATION/JSON", "application/vnd.api+json", "application/json;;")));

    /// <summary>
    /// A multipart upload as an OpenAI transcription client sends it (<c>file</c>, <c>model</c>, options), then broken:
    /// parts dropped or repeated, the closing boundary missing, the body cut short, a header line garbled.
    /// </summary>
    public static Gen<(string ContentType, byte[] Body)> Multipart(Gen<string> model) =>
        Gen.Select(model, Gen.Byte.Array[0, 2048], Gen.Int[0, 7], Gen.Double[0, 1], (modelValue, audio, breakage, at) =>
        {
            const string boundary = "fuzzboundary";
            var parts = new List<byte[]>
            {
                Part(boundary, "Content-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\nContent-Type: audio/wav", audio),
                Part(boundary, "Content-Disposition: form-data; name=\"model\"", Encoding.UTF8.GetBytes(modelValue)),
                Part(boundary, "Content-Disposition: form-data; name=\"response_format\"", "json"u8.ToArray()),
            };
            var contentType = "multipart/form-data; boundary=" + boundary;
            switch (breakage)
            {
                case 1:
                    parts.RemoveAt(0);
                    break;
                case 2:
                    parts.RemoveAt(1);
                    break;
                case 3:
                    parts.Add(parts[0]);
                    break;
                case 4:
                    parts[0] = Part(boundary, "Content-Disposition: form-data; name=file; filename=\r\nBad header line", audio);
                    break;
                case 5:
                    contentType = "multipart/form-data";
                    break;
                case 6:
                    contentType = "multipart/form-data; boundary=" + new string('b', 200);
                    break;
            }

            byte[] body = [.. parts.SelectMany(p => p), .. breakage == 7 ? [] : Encoding.ASCII.GetBytes("--" + boundary + "--\r\n")];
            return (contentType, breakage == 7 ? body[..(int)(body.Length * at)] : body);
        });

    private static byte[] Part(string boundary, string headers, byte[] content) =>
        [.. Encoding.ASCII.GetBytes("--" + boundary + "\r\n" + headers + "\r\n\r\n"), .. content, .. "\r\n"u8];

    public static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
