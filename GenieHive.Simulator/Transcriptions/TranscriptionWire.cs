using System.Text.Json.Serialization;

namespace GenieHive.Simulator.Transcriptions;

/// <summary>The <c>json</c> response format: just the text.</summary>
public sealed record TranscriptionJson(string Text);

/// <summary>The <c>verbose_json</c> response format, as OpenAI answers it.</summary>
public sealed record VerboseTranscription(
    string Task,
    string Language,
    double Duration,
    string Text,
    IReadOnlyList<TranscriptionSegment> Segments,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TranscriptionWord>? Words);

/// <summary>A timed piece of the transcript (seconds).</summary>
public sealed record TranscriptionSegment(
    int Id,
    int Seek,
    double Start,
    double End,
    string Text,
    IReadOnlyList<int> Tokens,
    double Temperature,
    double AvgLogprob,
    double CompressionRatio,
    double NoSpeechProb);

/// <summary>A timed word, when <c>timestamp_granularities[]</c> asks for words.</summary>
public sealed record TranscriptionWord(string Word, double Start, double End);
