using System.Globalization;
using System.Text;
using CsCheck;

namespace GenieHive.Tests.Fuzz;

/// <summary>
/// Generators of JSON text as a buggy or hostile client writes it: well-formed values first, and the odd ones JSON's
/// grammar allows but parsers choke on (lone surrogate escapes, numbers no double holds, deep nesting, huge strings).
/// Fragments are strings of JSON text, so a body can also be broken below the grammar (see <see cref="FuzzBodies"/>).
/// </summary>
internal static class JsonFragments
{
    /// <summary>A JSON string token: ordinary text, empty, escapes, paired and lone surrogates, control characters, large.</summary>
    public static readonly Gen<string> String = Gen.Frequency(
        (6, Gen.String[Gen.Char.AlphaNumeric, 0, 24].Select(Quote)),
        (2, Gen.String[0, 16].Select(Quote)),
        (1, Gen.Const("\"\"")),
        (2, Gen.OneOf("\"\\ud800\"", "\"a\\udc00b\"", "\"\\ud83d\\ude00\"", "\"\\uDBFF\"", "\"\\u0000\"", "\"tab\\tnew\\nline\"", "\"\\ud800\\ud800\"")),
        (1, Gen.Int[1_000, 300_000].Select(n => "\"" + new string('x', n) + "\"")));

    /// <summary>A JSON number token: small, negative, fractional, and beyond what a double or a long holds.</summary>
    public static readonly Gen<string> Number = Gen.Frequency(
        (6, Gen.Int[-5, 4096].Select(n => n.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.Double[-10, 10].Select(d => d.ToString("R", CultureInfo.InvariantCulture))),
        (2, Gen.OneOf("1e400", "-1e400", "1e-400", "-0", "123456789012345678901234567890", "9223372036854775808",
            "-9223372036854775809", "2147483648", "0.0000000000000000000000001", "1E+999999999", "4294967296")));

    /// <summary>Not JSON numbers, though some clients write them: a strict reader must refuse them, not crash.</summary>
    public static readonly Gen<string> NonFinite = Gen.OneOf("NaN", "Infinity", "-Infinity", "+1", "0x10", ".5", "01");

    public static readonly Gen<string> Scalar = Gen.Frequency(
        (4, String), (4, Number), (1, Gen.OneOf("true", "false", "null")));

    /// <summary>Any JSON value up to <paramref name="depth"/> levels of arrays and objects.</summary>
    public static Gen<string> Value(int depth) => depth == 0
        ? Scalar
        : Gen.Frequency(
            (5, Scalar),
            (1, Array(Value(depth - 1), 4)),
            (1, Gen.Select(Key, Value(depth - 1)).Array[0, 4].Select(Object)));

    /// <summary>A property name: a known field, a random one, an empty one or one that is not Unicode text.</summary>
    public static readonly Gen<string> Key = Gen.Frequency(
        (4, Gen.String[Gen.Char.AlphaNumeric, 1, 12]),
        (1, Gen.OneOf("model", "stream", "messages", "input", "prompt", "", "\\ud800", "reasoning_content")));

    /// <summary>1 to 400 nested arrays or objects around a value (the scanners stop at 64 or 128).</summary>
    public static readonly Gen<string> DeepNesting = Gen.Select(Gen.Int[1, 400], Gen.Bool, (depth, arrays) => arrays
        ? new string('[', depth) + "1" + new string(']', depth)
        : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth));

    /// <summary>
    /// <paramref name="text"/> as a JSON string token, everything outside printable ASCII escaped, so a lone surrogate
    /// becomes the <c>\udXXX</c> escape a client sends (a serializer would refuse it).
    /// </summary>
    public static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            if (c is < ' ' or '"' or '\\' or > '~')
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>A JSON array of 0 to <paramref name="max"/> items.</summary>
    public static Gen<string> Array(Gen<string> item, int max) => item.Array[0, max].Select(items => "[" + string.Join(",", items) + "]");

    /// <summary>One value from each generator, in order.</summary>
    public static Gen<string[]> All(IEnumerable<Gen<string>> gens) =>
        gens.Aggregate(Gen.Const(System.Array.Empty<string>()), (acc, gen) => Gen.Select(acc, gen, (values, value) => (string[])[.. values, value]));

    public static string Object(IEnumerable<(string Key, string Value)> fields) =>
        "{" + string.Join(",", fields.Select(f => (f.Key == "\\ud800" ? "\"\\ud800\"" : Quote(f.Key)) + ":" + f.Value)) + "}";

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
