using System.Text;
using CsCheck;

namespace GenieHive.Tests.Fuzz;

/// <summary>
/// One field of a request body as an endpoint expects it: <paramref name="Valid"/> is any value of the right type (odd
/// strings and numbers included), <paramref name="Clean"/> what a well-behaved client sends (null: such a client leaves
/// the field out), so that a share of the requests gets past validation to the handler behind it.
/// </summary>
internal sealed record FieldSpec(string Name, Gen<string> Valid, Gen<string>? Clean);

/// <summary>
/// Request bodies for one endpoint, valid and mutated: a field given the wrong type, dropped or repeated, the text cut
/// short, nested too deep, salted with bytes that are not UTF-8, or replaced by something that is not JSON at all.
/// </summary>
internal static class FuzzBodies
{
    /// <summary>The body for <paramref name="fields"/>: about a quarter of them valid, the rest mutated one way each.</summary>
    public static Gen<byte[]> For(IReadOnlyList<FieldSpec> fields)
    {
        var valid = Valid(fields);
        return Gen.Frequency(
            (4, Clean(fields).Select(JsonFragments.Utf8)),
            (3, valid.Select(JsonFragments.Utf8)),
            (3, WrongType(fields).Select(JsonFragments.Utf8)),
            (2, Gen.Select(valid, Gen.Int[0, 50], DuplicateKey).Select(JsonFragments.Utf8)),
            (1, Gen.Select(valid, JsonFragments.DeepNesting, (body, deep) => Insert(body, "\"deep\":" + deep)).Select(JsonFragments.Utf8)),
            (1, Gen.Select(valid, JsonFragments.NonFinite, (body, number) => Insert(body, "\"temperature\":" + number)).Select(JsonFragments.Utf8)),
            (2, Gen.Select(valid.Select(JsonFragments.Utf8), Gen.Double[0, 1], Truncate)),
            (2, Gen.Select(valid.Select(JsonFragments.Utf8), Gen.Double[0, 1], Gen.Byte[0x80, 0xFF].Array[1, 3], InvalidUtf8)),
            (1, Gen.Byte.Array[0, 64]),
            (1, Gen.OneOf("", "null", "[]", "\"text\"", "42", "{}", "{\"model\":}", "{,}", "{\"a\":1}{\"b\":2}").Select(JsonFragments.Utf8)));
    }

    private static Gen<string> Valid(IReadOnlyList<FieldSpec> fields) =>
        Gen.Select(
            Gen.Bool.Array[fields.Count],
            JsonFragments.All(fields.Select(f => f.Valid)),
            Gen.Select(JsonFragments.Key, JsonFragments.Value(2)).Array[0, 2],
            (keep, values, extra) => JsonFragments.Object(
                fields.Select((f, i) => (f.Name, values[i])).Where((_, i) => i == 0 || keep[i]).Concat(extra)));

    /// <summary>The body a well-behaved client sends: clean values only, no unknown fields.</summary>
    public static Gen<string> Clean(IReadOnlyList<FieldSpec> fields)
    {
        var present = fields.Where(f => f.Clean is not null).ToArray();
        return JsonFragments.All(present.Select(f => f.Clean!)).Select(values => JsonFragments.Object(present.Select((f, i) => (f.Name, values[i]))));
    }

    /// <summary>Every field well formed but one, which gets a value of some other type (or of any depth).</summary>
    private static Gen<string> WrongType(IReadOnlyList<FieldSpec> fields) =>
        Gen.Select(
            JsonFragments.All(fields.Select(f => f.Valid)),
            Gen.Int[0, fields.Count - 1],
            JsonFragments.Value(3),
            (values, wrong, replacement) => JsonFragments.Object(fields.Select((f, i) => (f.Name, i == wrong ? replacement : values[i]))));

    /// <summary>Repeats the first property (a textual copy right after the opening brace).</summary>
    private static string DuplicateKey(string body, int seed)
    {
        var firstEnd = FirstPropertyEnd(body);
        return firstEnd < 0 ? body : "{" + body[1..firstEnd] + "," + body[1..];
    }

    private static string Insert(string body, string property) =>
        body.Length <= 2 ? "{" + property + "}" : "{" + property + "," + body[1..];

    private static byte[] Truncate(byte[] body, double at) => body[..(int)(body.Length * at)];

    /// <summary>Bytes that cannot start or continue UTF-8 where they do not belong, inside the first string of the body.</summary>
    private static byte[] InvalidUtf8(byte[] body, double at, byte[] junk)
    {
        var quotes = new List<int>();
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '"')
            {
                quotes.Add(i);
            }
        }

        var position = quotes.Count == 0 ? body.Length / 2 : quotes[(int)(at * (quotes.Count - 1))] + 1;
        return [.. body[..position], .. junk, .. body[position..]];
    }

    /// <summary>Where the first top-level property of a generated object ends (its comma), or -1 with fewer than two.</summary>
    private static int FirstPropertyEnd(string body)
    {
        var depth = 0;
        var inString = false;
        for (var i = 1; i < body.Length; i++)
        {
            var c = body[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }
            }
            else if (c == '"')
            {
                inString = true;
            }
            else if (c is '[' or '{')
            {
                depth++;
            }
            else if (c is ']' or '}')
            {
                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A readable form of a body for a failure message (large ones cut, bytes that are not UTF-8 shown as ?).</summary>
    public static string Print(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        return text.Length > 600 ? text[..300] + " ...(" + body.Length + " bytes)... " + text[^200..] : text;
    }
}
