using GenieHive.Contracts.Auth;
using System.Globalization;
using GenieHive.Facade.Auth;
using GenieHive.Facade.Errors;
using GenieHive.Facade.Json;
using GenieHive.Facade.Observations;
using GenieHive.Facade.Routing;
using GenieHive.Routing.Scoring;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace GenieHive.Facade.Console;

/// <summary>The operator console: its page at <c>/console</c> (every view's URL), its files, and its facade-only reads.</summary>
public static class ConsoleApi
{
    /// <summary>Where the console lives; every path below it that is not a file is a view of the one page.</summary>
    public const string PagePath = "/console";

    /// <summary>Decisions sent per read of <c>/v1/console/requests</c> unless <c>limit</c> says otherwise.</summary>
    public const int DefaultRequestLimit = 100;

    // Everything the page loads comes from the facade itself: no CDN, no inline script, no other origin to call.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// Maps <c>GET /console</c> and <c>/console/{view}</c> (the page, no key: it holds no data, and a browser following
    /// a link cannot send one), <c>/console/assets/{name}</c> (its files), and, client key required,
    /// <c>GET /v1/console/requests</c>, <c>GET /v1/console/scoring</c> and <c>GET /v1/console/speeds</c>. Returns the <c>/v1/console</c> group.
    /// </summary>
    public static RouteGroupBuilder MapConsoleApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(PagePath, ServePage);
        endpoints.MapGet(PagePath + "/{**view}", ServePage);
        endpoints.MapGet(PagePath + "/assets/{name}", ServeAsset);

        var group = endpoints.MapGroup("/v1/console").RequireClientKey(KeyScope.OperatorRead);
        group.MapGet("/requests", GetRecentRequests);
        group.MapGet("/scoring", GetScoring);
        group.MapGet("/speeds", GetSpeeds);
        return group;
    }

    private static FileContentHttpResult ServePage(HttpContext context) => Serve(context, ConsoleFiles.Page);

    private static Results<FileContentHttpResult, ContentHttpResult> ServeAsset(string name, HttpContext context) =>
        ConsoleFiles.Find(name) is { } file
            ? Serve(context, file)
            : TypedResults.Text("No console file named '" + name + "'.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);

    private static FileContentHttpResult Serve(HttpContext context, ConsoleFile file)
    {
        var headers = context.Response.Headers;
        // Revalidated on every load (a 304 when unchanged), so an upgraded facade never runs yesterday's script.
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.Bytes(file.Content, file.ContentType, entityTag: file.ETag);
    }

    private static Results<JsonHttpResult<RecentRequestList>, OpenAiErrorResult> GetRecentRequests(HttpContext context, RecentRequests recent)
    {
        var query = context.Request.Query;
        if (!TryReadWhole(query["after"], 0, long.MaxValue, 0, out var after))
        {
            return BadQuery("'after' must be a request id: a whole number, 0 or more.", "after");
        }

        if (!TryReadWhole(query["limit"], 1, RecentRequests.Capacity, DefaultRequestLimit, out var limit))
        {
            return BadQuery("'limit' must be a whole number from 1 to " + RecentRequests.Capacity.ToString(CultureInfo.InvariantCulture) + ".", "limit");
        }

        var (entries, recorded) = recent.Read(after, (int)limit);
        var views = new List<RecentRequestView>(entries.Count);
        foreach (var (id, request) in entries)
        {
            views.Add(ToView(id, request));
        }

        return TypedResults.Json(new RecentRequestList(recorded, RecentRequests.Capacity, views), FacadeJsonContext.Default.RecentRequestList);
    }

    private static JsonHttpResult<ScoringView> GetScoring(IOptions<RequestRoutingOptions> routing) =>
        TypedResults.Json(
            new ScoringView(
                new ScoreWeights(CandidateScorer.ServiceTextWeight, CandidateScorer.ServiceRuntimeWeight, CandidateScorer.ServiceBenchmarkWeight),
                new ScoreWeights(CandidateScorer.RoleTextWeight, CandidateScorer.RoleRuntimeWeight, CandidateScorer.RoleBenchmarkWeight, CandidateScorer.RoleFamilyWeight),
                routing.Value.ScoreTolerance),
            FacadeJsonContext.Default.ScoringView);

    private static JsonHttpResult<ServiceSpeedList> GetSpeeds(ServiceLoadTracker tracker)
    {
        var views = new List<ServiceSpeedView>();
        foreach (var stats in tracker.All)
        {
            var figures = stats.Speeds.Current;
            views.Add(new ServiceSpeedView
            {
                ServiceId = stats.ServiceId,
                InFlight = stats.InFlight,
                TtftMs = Known(figures.TtftMs),
                DecodeTokensPerSec = Known(figures.DecodeTokensPerSec),
                PromptTokensPerSec = Known(figures.PromptTokensPerSec),
                CompletionTokens = Known(figures.CompletionTokens),
                ColdLoadMs = Known(figures.ColdLoadMs),
                SlotSharing = Known(figures.SlotSharing),
                CooldownUntil = stats.CooldownUntil,
            });
        }

        views.Sort(static (a, b) => string.CompareOrdinal(a.ServiceId, b.ServiceId));
        return TypedResults.Json(new ServiceSpeedList(views), FacadeJsonContext.Default.ServiceSpeedList);

        static double? Known(double value) => double.IsFinite(value) ? Math.Round(value, 3) : null;
    }

    private static RecentRequestView ToView(long id, in RecentRequest request) => new()
    {
        Id = id,
        At = request.At,
        RequestId = request.RequestId,
        Kind = request.Kind,
        Model = request.Model,
        RouteType = request.RouteType,
        Role = request.Role,
        FallbackVia = request.FallbackVia,
        Strategy = request.Strategy,
        FirstChoice = request.FirstChoice,
        ServiceId = request.ServiceId,
        Candidates = request.Candidates,
        Attempts = request.Attempts,
        Status = request.Status,
        TtftMs = double.IsNaN(request.TtftMs) ? null : request.TtftMs,
        DurationMs = request.DurationMs,
    };

    private static bool TryReadWhole(StringValues value, long min, long max, long fallback, out long result)
    {
        if (StringValues.IsNullOrEmpty(value))
        {
            result = fallback;
            return true;
        }

        return long.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out result) && result >= min && result <= max;
    }

    private static OpenAiErrorResult BadQuery(string message, string param) =>
        OpenAiErrors.Result(StatusCodes.Status400BadRequest, message, OpenAiErrorTypes.InvalidRequest, OpenAiErrorCodes.InvalidType, param);
}
