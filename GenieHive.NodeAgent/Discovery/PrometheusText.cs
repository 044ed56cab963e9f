using System.Globalization;
using System.Text;

namespace GenieHive.NodeAgent.Discovery;

/// <summary>One sample of a Prometheus text exposition: <c>name{labels} value [timestamp]</c>.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A small, tolerant reader of the Prometheus text format (version 0.0.4) as llama.cpp and vLLM expose it:
/// comments and blank lines are skipped, labels may hold escaped quotes, commas and braces, values may be
/// <c>NaN</c>, <c>±Inf</c> or in exponent notation, and a malformed line is skipped rather than failing the rest.
/// </summary>
internal static class PrometheusText
{
    private static readonly IReadOnlyDictionary<string, string> s_noLabels = new Dictionary<string, string>(StringComparer.Ordinal);

    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            var line = rawLine.Trim();
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }

            if (TryParseLine(line, out var sample))
            {
                samples.Add(sample);
            }
        }

        return samples;
    }

    /// <summary>
    /// The sum of every sample of <paramref name="name"/> (over all label sets, such as vLLM's per-model
    /// gauges), ignoring NaN; null when the metric is absent.
    /// </summary>
    public static double? Sum(IReadOnlyList<PrometheusSample> samples, string name)
    {
        double? total = null;
        foreach (var sample in samples)
        {
            if (string.Equals(sample.Name, name, StringComparison.Ordinal) && !double.IsNaN(sample.Value))
            {
                total = (total ?? 0) + sample.Value;
            }
        }

        return total;
    }

    /// <summary><see cref="Sum"/> as a non-negative count, for gauges of requests.</summary>
    public static int? SumAsCount(IReadOnlyList<PrometheusSample> samples, string name) =>
        Sum(samples, name) is { } value && double.IsFinite(value)
            ? (int)Math.Clamp(Math.Round(value), 0, int.MaxValue)
            : null;

    private static bool TryParseLine(ReadOnlySpan<char> line, out PrometheusSample sample)
    {
        sample = null!;
        var nameEnd = 0;
        while (nameEnd < line.Length && IsNameChar(line[nameEnd], nameEnd == 0))
        {
            nameEnd++;
        }

        if (nameEnd == 0)
        {
            return false;
        }

        var name = line[..nameEnd].ToString();
        var rest = line[nameEnd..];
        var labels = s_noLabels;
        if (!rest.IsEmpty && rest[0] == '{')
        {
            if (!TryParseLabels(rest, out var parsed, out var consumed))
            {
                return false;
            }

            labels = parsed;
            rest = rest[consumed..];
        }

        rest = rest.TrimStart();
        var valueEnd = rest.IndexOfAny(' ', '\t');
        var valueText = valueEnd < 0 ? rest : rest[..valueEnd];
        if (!TryParseValue(valueText, out var value))
        {
            return false;
        }

        sample = new PrometheusSample(name, labels, value);
        return true;
    }

    private static bool TryParseLabels(ReadOnlySpan<char> text, out IReadOnlyDictionary<string, string> labels, out int consumed)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        labels = result;
        consumed = 0;
        var i = 1;
        while (true)
        {
            while (i < text.Length && (text[i] == ' ' || text[i] == ','))
            {
                i++;
            }

            if (i >= text.Length)
            {
                return false;
            }

            if (text[i] == '}')
            {
                consumed = i + 1;
                return true;
            }

            var keyStart = i;
            while (i < text.Length && IsNameChar(text[i], i == keyStart) && text[i] != ':')
            {
                i++;
            }

            var key = text[keyStart..i].ToString();
            while (i < text.Length && text[i] == ' ')
            {
                i++;
            }

            if (key.Length == 0 || i + 1 >= text.Length || text[i] != '=' || text[i + 1] != '"')
            {
                return false;
            }

            i += 2;
            var value = new StringBuilder();
            var closed = false;
            while (i < text.Length)
            {
                var c = text[i++];
                if (c == '"')
                {
                    closed = true;
                    break;
                }

                if (c == '\\' && i < text.Length)
                {
                    var escaped = text[i++];
                    value.Append(escaped == 'n' ? '\n' : escaped);
                }
                else
                {
                    value.Append(c);
                }
            }

            if (!closed)
            {
                return false;
            }

            result[key] = value.ToString();
        }
    }

    private static bool TryParseValue(ReadOnlySpan<char> text, out double value)
    {
        if (text.Equals("NaN", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }

        if (text.Equals("+Inf", StringComparison.OrdinalIgnoreCase) || text.Equals("Inf", StringComparison.OrdinalIgnoreCase))
        {
            value = double.PositiveInfinity;
            return true;
        }

        if (text.Equals("-Inf", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NegativeInfinity;
            return true;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static bool IsNameChar(char c, bool first) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' or ':' || (!first && c is >= '0' and <= '9');
}
