using System.Diagnostics;
using System.Globalization;
using System.Security;
using System.Text;
using GenieHive.Bench.Quality.Stats;

namespace GenieHive.Bench.Quality.Report;

/// <summary>
/// The run as a picture: per scenario, each arm's end-to-end p50 and p99 as a multiple of the reference's (bars capped
/// at <see cref="Cap"/>×, failures marked), with DESIGN.md's 1.25× line. Written as SVG; turned into PNG with Debian's
/// <c>rsvg-convert</c> (package librsvg2-bin) when it is installed.
/// </summary>
internal static class RatioChart
{
    public const double Cap = 4;

    private const int Width = 1100;
    private const int RowHeight = 24;
    private const int LabelWidth = 150;
    private const int PlotWidth = 640;
    private const double MustRatio = 1.25;

    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#7f7f7f", "#9467bd", "#8c564b", "#e377c2"];

    public static string Svg(IReadOnlyList<ScenarioReport> scenarios)
    {
        var arms = scenarios.SelectMany(s => s.Arms.Select(a => a.Arm)).Distinct(StringComparer.Ordinal).ToList();
        var body = new StringBuilder();
        var y = 85;
        foreach (var scenario in scenarios)
        {
            body.Append(CultureInfo.InvariantCulture, $"<text x=\"10\" y=\"{y + 12}\" class=\"scenario\">{Escape(scenario.Name)}</text>\n");
            y += 20;
            foreach (var arm in scenario.Arms)
            {
                var color = Palette[arms.IndexOf(arm.Arm) % Palette.Length];
                body.Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth - 8}\" y=\"{y + 12}\" class=\"arm\">{Escape(arm.Arm)}</text>\n");
                Bar(body, scenario, arm, y, a => a.EndToEndP50, color, 0.45, "p50", "");
                var failed = arm.Requests - arm.Succeeded;
                Bar(body, scenario, arm, y + (RowHeight / 2), a => a.EndToEndP99, color, 1.0, "p99", failed > 0 ? $" · {failed} failed" : "");
                y += RowHeight + 6;
            }

            y += 10;
        }

        var height = y + 30;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\">\n");
        svg.Append("<style>text{font-family:DejaVu Sans,sans-serif;font-size:12px;fill:#222} .scenario{font-weight:bold} .arm{text-anchor:end} .value{font-size:10px} .title{font-size:15px;font-weight:bold} .axis{font-size:10px;text-anchor:middle;fill:#555}</style>\n");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.Append("<text x=\"10\" y=\"22\" class=\"title\">Routing quality: end-to-end latency as a multiple of the reference router (light: p50, dark: p99)</text>\n");
        svg.Append("<text x=\"10\" y=\"40\">Shorter is better; 1× is the reference (shortest expected delay with the engines' true parameters). Bars stop at 4×;</text>\n");
        svg.Append("<text x=\"10\" y=\"55\">∞: requests too slow to finish in time reach the percentile; failed: requests an engine broke or refused.</text>\n");
        for (var tick = 0; tick <= Cap; tick++)
        {
            var x = X(tick);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x}\" y1=\"75\" x2=\"{x}\" y2=\"{height - 25}\" stroke=\"#ddd\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x}\" y=\"{height - 10}\" class=\"axis\">{tick}×</text>\n");
        }

        var must = X(MustRatio);
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{must:0.#}\" y1=\"75\" x2=\"{must:0.#}\" y2=\"{height - 25}\" stroke=\"#d62728\" stroke-dasharray=\"4 3\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{must + 4:0.#}\" y=\"73\" class=\"value\" fill=\"#d62728\">1.25× (DESIGN.md: must)</text>\n");
        svg.Append(body);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>Converts the SVG with rsvg-convert; false (and nothing written) when the tool is not installed or fails.</summary>
    public static bool TryWritePng(string svgPath, string pngPath)
    {
        try
        {
            var info = new ProcessStartInfo("rsvg-convert") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            info.ArgumentList.Add("--background-color=white");
            info.ArgumentList.Add("-o");
            info.ArgumentList.Add(pngPath);
            info.ArgumentList.Add(svgPath);
            using var process = Process.Start(info)!;
            process.WaitForExit(30_000);
            return process.ExitCode == 0 && File.Exists(pngPath);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static void Bar(StringBuilder body, ScenarioReport scenario, ArmResult arm, int y, Func<ArmResult, double?> value, string color, double opacity, string label, string note)
    {
        var height = (RowHeight / 2) - 1;
        var ratio = scenario.Ratio(arm, value);
        string text;
        double width;
        if (ratio is { } r)
        {
            width = X(Math.Min(r, Cap)) - LabelWidth;
            text = r.ToString("0.00", CultureInfo.InvariantCulture) + "×" + (r > Cap ? " ›" : "");
        }
        else
        {
            // No ratio: the arm's percentile (or the reference's) is a request too slow to finish.
            width = value(arm) is null ? X(Cap) - LabelWidth : 0;
            text = value(arm) is null ? "∞ (too slow to finish)" : "–";
        }

        body.Append(CultureInfo.InvariantCulture, $"<rect x=\"{LabelWidth}\" y=\"{y + 2}\" width=\"{width:0.#}\" height=\"{height}\" fill=\"{color}\" fill-opacity=\"{opacity:0.##}\"/>\n");
        body.Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth + width + 4:0.#}\" y=\"{y + height + 1}\" class=\"value\">{label} {Escape(text + note)}</text>\n");
    }

    private static double X(double ratio) => LabelWidth + (ratio / Cap * PlotWidth);

    private static string Escape(string text) => SecurityElement.Escape(text) ?? string.Empty;
}
