using System.Diagnostics;
using System.Text;
using System.Text.Json;
using GenieHive.Contracts.Cluster;

namespace GenieHive.Benchmarker.Facade;

/// <summary>
/// Accumulates an OpenAI chat stream, one <c>data:</c> payload at a time: the visible text, when the first and
/// last visible tokens arrived, usage (with <c>stream_options.include_usage</c>) and llama.cpp timings.
/// </summary>
public sealed class StreamedAnswer(long started)
{
    private readonly StringBuilder _text = new();
    private long? _firstToken;
    private long _lastToken;
    private int _contentChunks;
    private int? _promptTokens;
    private int? _completionTokens;
    private double? _engineRate;

    /// <summary>True once <c>data: [DONE]</c> arrived.</summary>
    public bool Done { get; set; }

    /// <summary>Reads one payload; returns an error when the stream carried one (a failure after the first byte).</summary>
    public string? Add(ReadOnlySpan<char> data)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(data.ToString());
        }
        catch (JsonException)
        {
            return "the stream carried an event that is not JSON";
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (root.TryGetProperty("error", out var error))
            {
                var message = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String
                    ? text.GetString()
                    : error.ToString();
                return "the stream ended with an error: " + message;
            }

            if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array)
            {
                foreach (var choice in choices.EnumerateArray())
                {
                    if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object
                        && delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
                        && content.GetString() is { Length: > 0 } piece)
                    {
                        var now = Stopwatch.GetTimestamp();
                        _firstToken ??= now;
                        _lastToken = now;
                        _contentChunks++;
                        _text.Append(piece);
                    }
                }
            }

            var (prompt, completion) = FacadeCaseClient.Usage(root);
            _promptTokens = prompt ?? _promptTokens;
            _completionTokens = completion ?? _completionTokens;
            _engineRate = FacadeCaseClient.EngineTokensPerSec(root, _completionTokens) ?? _engineRate;
        }

        return null;
    }

    /// <summary>
    /// The case's figures. Tokens per second is what the client saw between the first and the last visible token
    /// (usage's completion tokens, or the content chunks when there is no usage); when the tokens arrived in one
    /// burst (a buffering proxy), the engine's own timings, if it sent them.
    /// </summary>
    public BenchmarkCaseMeasurement ToMeasurement(double latencyMs)
    {
        if (!Done && _contentChunks == 0 && _completionTokens is null)
        {
            return BenchmarkCaseMeasurement.Failed("the stream ended without an answer or [DONE]", latencyMs);
        }

        double? ttft = _firstToken is { } first ? Stopwatch.GetElapsedTime(started, first).TotalMilliseconds : null;
        var tokens = _completionTokens ?? _contentChunks;
        double? rate = _engineRate;
        if (_firstToken is { } firstToken && tokens >= 2)
        {
            var seconds = Stopwatch.GetElapsedTime(firstToken, _lastToken).TotalSeconds;
            if (seconds >= 0.001)
            {
                rate = (tokens - 1) / seconds;
            }
        }

        return new BenchmarkCaseMeasurement
        {
            Answered = true,
            Text = _text.ToString(),
            LatencyMs = latencyMs,
            TtftMs = ttft,
            TokensPerSec = rate,
            PromptTokens = _promptTokens,
            CompletionTokens = _completionTokens ?? (_contentChunks > 0 ? _contentChunks : null),
        };
    }
}
