using System.Text.Json;
using GenieHive.Contracts.Cluster;

namespace GenieHive.Routing.Prediction;

/// <summary>
/// What the routing table says about a service's capacity and speed, read once per snapshot and clamped: slots
/// (llama.cpp <c>total_slots</c>, as the node agent reports it), requests waiting at the engine, time to first
/// token and decode speed (the facade's measurements first, else the node's). An engine reporting nonsense
/// (a negative queue, an absurd speed) is not believed: the figure is clamped or dropped, and
/// <see cref="Clamped"/> says which, so the facade can log it once.
/// </summary>
public sealed record EngineFigures(int? Slots, int Waiting, double TtftMs, double DecodeTokensPerSec, string? Clamped)
{
    /// <summary>More than this many slots or waiting requests on one engine is not believed.</summary>
    public const int MaxBelievableCount = 4096;

    /// <summary>A first token later than an hour, or a speed above a million tokens per second, is not believed.</summary>
    public const double MaxBelievableMs = 3_600_000;
    public const double MaxBelievableTokensPerSec = 1_000_000;

    public static EngineFigures From(ServiceView service)
    {
        string? clamped = null;
        var slots = ReadSlots(service.Runtime?.Extra, ref clamped);
        var waiting = service.Observed?.QueueDepth is { } queue ? ClampCount(queue, "queue_depth", ref clamped) : 0;
        var measured = service.Measured is { Requests: > 0 } m ? m : null;
        var ttft = Believable(measured?.TtftMs ?? service.Observed?.TtftMs, MaxBelievableMs, "ttft_ms", ref clamped);
        var decode = Believable(measured?.TokensPerSec ?? service.Observed?.TokensPerSec, MaxBelievableTokensPerSec, "tokens_per_sec", ref clamped);
        return new EngineFigures(slots, waiting, ttft, decode, clamped);
    }

    private static int? ReadSlots(Dictionary<string, JsonElement>? extra, ref string? clamped)
    {
        if (extra is null || !extra.TryGetValue("total_slots", out var element))
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var slots) || slots < 1 || slots > MaxBelievableCount)
        {
            Note(ref clamped, "total_slots");
            return null;
        }

        return slots;
    }

    private static int ClampCount(int value, string name, ref string? clamped)
    {
        if (value is >= 0 and <= MaxBelievableCount)
        {
            return value;
        }

        Note(ref clamped, name);
        return Math.Clamp(value, 0, MaxBelievableCount);
    }

    /// <summary>The value when it is positive, finite and believable; otherwise NaN (unknown), noted.</summary>
    private static double Believable(double? value, double max, string name, ref string? clamped)
    {
        if (value is not { } v)
        {
            return double.NaN;
        }

        if (double.IsFinite(v) && v > 0 && v <= max)
        {
            return v;
        }

        Note(ref clamped, name);
        return double.NaN;
    }

    private static void Note(ref string? clamped, string name) => clamped = clamped is null ? name : clamped + "," + name;
}
