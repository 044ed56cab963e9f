using System.Globalization;
using System.Text.Json;
using Refit;

namespace GenieHive.Benchmarker.Hosting;

/// <summary>
/// What Control said when it refused a call (its status and ProblemDetails <c>detail</c>), or why it said nothing, for
/// logs. Refit reports a call that got no answer as a response without a status.
/// </summary>
internal static class ControlAnswers
{
    public static string Describe(IApiResponse response)
    {
        if (response.StatusCode is not { } code || (int)code == 0)
        {
            return "no answer: " + ((response.Error?.InnerException ?? response.Error)?.Message ?? "unknown error");
        }

        var status = ((int)code).ToString(CultureInfo.InvariantCulture);
        var body = (response.Error as ApiException)?.Content;
        if (string.IsNullOrEmpty(body))
        {
            return "HTTP " + status;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
            {
                return "HTTP " + status + ": " + detail.GetString();
            }
        }
        catch (JsonException)
        {
            // Not ProblemDetails (a proxy's page): the status says enough.
        }

        return "HTTP " + status;
    }
}
