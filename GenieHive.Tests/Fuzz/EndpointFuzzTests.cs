using System.Globalization;
using CsCheck;

namespace GenieHive.Tests.Fuzz;

/// <summary>
/// Generated requests, valid and hostile, against every endpoint family of every service over real HTTP. Invariants:
/// no 5xx but the facade's documented upstream ones (502, 503, 504), every 4xx in the endpoint's error shape, every
/// service healthy afterwards, Control's store intact. CI runs a fixed seed and <see cref="DefaultCases"/> cases per
/// family; <c>GENIEHIVE_FUZZ_CASES</c> asks for a deep run, <c>GENIEHIVE_FUZZ_SEED</c> for another seed. A failing case is
/// then shrunk by CsCheck and printed with the seed that replays it.
/// </summary>
public sealed class EndpointFuzzTests(FuzzCluster cluster) : IClassFixture<FuzzCluster>
{
    private const int DefaultCases = 60;

    /// <summary>A CsCheck seed (PCG state) fixed for CI, so the same requests are sent on every run.</summary>
    private const string DefaultSeed = "1xn1HwIbwfUS";

    public static TheoryData<string> Families() => [.. EndpointFamilies.All.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(Families))]
    public async Task NoHostileRequestGetsA500OrAnErrorOutsideTheEndpointsShape(string familyName)
    {
        var family = EndpointFamilies.All.Single(f => f.Name == familyName);
        var cases = int.TryParse(Environment.GetEnvironmentVariable("GENIEHIVE_FUZZ_CASES"), CultureInfo.InvariantCulture, out var n) ? n : DefaultCases;
        var pcg = PCG.Parse(Environment.GetEnvironmentVariable("GENIEHIVE_FUZZ_SEED") ?? DefaultSeed);
        var statuses = new SortedDictionary<int, int>();
        for (var i = 0; i < cases; i++)
        {
            var seed = pcg.ToString();
            var request = family.Requests.Generate(pcg, null, out _);
            if (await ViolationAsync(family, request, statuses) is { } violation)
            {
                Assert.Fail(await ShrinkAsync(family, seed, request, violation));
            }
        }

        // Hostile input must not be all there is: a generator that never gets past the front door tests nothing behind it.
        Assert.True(cases < 20 || statuses.Keys.Any(s => s is >= 200 and < 300), family.Name + " got no 2xx: " + Tally(statuses));

        Assert.Null(await cluster.HealthProblemAsync());
        if (family.Service == FuzzService.Control)
        {
            Assert.Null(await cluster.StoreProblemAsync());
        }

        TestContext.Current.TestOutputHelper?.WriteLine(family.Name + ": " + cases + " generated requests, 0 violations; statuses " + Tally(statuses));
    }

    /// <summary>What the answer to <paramref name="request"/> breaks, or null when it keeps every invariant.</summary>
    private async Task<string?> ViolationAsync(EndpointFamily family, FuzzRequest request, SortedDictionary<int, int>? statuses = null)
    {
        var ct = TestContext.Current.CancellationToken;
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), cluster.Url(family.Service) + request.PathAndQuery);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }
        }

        foreach (var (name, value) in request.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await cluster.Raw.SendAsync(message, ct);
        }
        catch (HttpRequestException ex)
        {
            // The inner exceptions tell a reset from an answer cut short (HttpClient's own message says neither).
            return "the connection failed (" + ex.HttpRequestError + "): " + Chain(ex);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return "no answer within " + cluster.Raw.Timeout.TotalSeconds + " s";
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (statuses is not null)
            {
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
            }

            byte[] body;
            try
            {
                body = await response.Content.ReadAsByteArrayAsync(ct);
            }
            catch (HttpRequestException ex)
            {
                return status + " with a body cut off: " + Chain(ex);
            }

            if (status >= 500 && !family.AllowedServerErrors.Contains(status))
            {
                return status + ": " + FuzzBodies.Print(body);
            }

            // Kestrel's own refusals of a request it cannot parse (a request line or headers over its limits, a path holding
            // %00) come before any endpoint, carry no body and close the connection: the HTTP status is their whole answer.
            if ((status is 414 or 431 || (status == 400 && response.Headers.ConnectionClose == true)) && body.Length == 0)
            {
                return null;
            }

            if (status is >= 400 and < 500 && family.ErrorShape(status, body) is { } shape)
            {
                return status + " " + shape + ": " + FuzzBodies.Print(body);
            }

            return null;
        }
    }

    private static string Chain(Exception ex) => ex.InnerException is { } inner ? ex.Message + " <- " + Chain(inner) : ex.Message;

    private static string Tally(SortedDictionary<int, int> statuses) => string.Join(", ", statuses.Select(s => s.Key + "x" + s.Value));

    /// <summary>Lets CsCheck look for a smaller request that fails the same way, and words the failure with both.</summary>
    private async Task<string> ShrinkAsync(EndpointFamily family, string seed, FuzzRequest request, string violation)
    {
        var report = family.Name + ": seed " + seed + " (GENIEHIVE_FUZZ_SEED replays the run)\n  request: " + request + "\n  broke: " + violation;
        try
        {
            await family.Requests.SampleAsync(
                async r =>
                {
                    if (await ViolationAsync(family, r) is { } v)
                    {
                        throw new InvalidOperationException(v);
                    }
                },
                seed: seed,
                iter: 300,
                threads: 1,
                print: r => r.ToString());
        }
        catch (Exception ex)
        {
            report += "\n  shrunk by CsCheck: " + ex.Message;
        }

        return report;
    }
}
