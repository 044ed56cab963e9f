using System.Globalization;
using System.Text;
using GenieHive.Simulator.Engine;

namespace GenieHive.Simulator.Transcriptions;

/// <summary>
/// The simulated transcript of an upload: it says how many bytes arrived ("received 12345 bytes: ..."), so
/// tests can check that the upload was relayed whole, followed by words picked by a hash of the bytes. Audio is
/// assumed to be 16 kHz 16-bit mono (32,000 bytes per second) to give it a duration.
/// </summary>
public sealed class Transcript
{
    private const double BytesPerSecond = 32_000;
    private const int WordsPerSegment = 10;

    private readonly string[] _words;
    private readonly double _wordSeconds;

    public Transcript(long fileBytes, ulong fileHash)
    {
        Duration = Math.Round(fileBytes / BytesPerSecond, 3);
        var spoken = (int)Math.Clamp(Math.Round(Duration * 2.5), 3, 200);
        _words = new string[3 + spoken];
        _words[0] = "received";
        _words[1] = fileBytes.ToString(CultureInfo.InvariantCulture);
        _words[2] = "bytes:";
        for (var i = 0; i < spoken; i++)
        {
            _words[3 + i] = Encoding.UTF8.GetString(TokenText.Token(fileHash, i)).Trim();
        }

        // Spread the words over the audio; an empty or tiny upload still gets readable cue times.
        _wordSeconds = Duration > 0 ? Duration / _words.Length : 0.3;
        Text = string.Join(' ', _words);
    }

    /// <summary>Seconds of (assumed) audio.</summary>
    public double Duration { get; }

    public string Text { get; }

    public IReadOnlyList<TranscriptionSegment> Segments()
    {
        var segments = new List<TranscriptionSegment>();
        for (var first = 0; first < _words.Length; first += WordsPerSegment)
        {
            var count = Math.Min(WordsPerSegment, _words.Length - first);
            segments.Add(new TranscriptionSegment(
                segments.Count,
                Seek: 0,
                Start: Seconds(first),
                End: Seconds(first + count),
                Text: " " + string.Join(' ', _words, first, count),
                Tokens: [],
                Temperature: 0,
                AvgLogprob: -0.25,
                CompressionRatio: 1.2,
                NoSpeechProb: 0.01));
        }

        return segments;
    }

    public IReadOnlyList<TranscriptionWord> Words()
    {
        var words = new TranscriptionWord[_words.Length];
        for (var i = 0; i < _words.Length; i++)
        {
            words[i] = new TranscriptionWord(_words[i], Seconds(i), Seconds(i + 1));
        }

        return words;
    }

    /// <summary>SubRip subtitles, one cue per segment.</summary>
    public string ToSrt()
    {
        var text = new StringBuilder();
        foreach (var segment in Segments())
        {
            text.Append((segment.Id + 1).ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append(Timestamp(segment.Start, ',')).Append(" --> ").Append(Timestamp(segment.End, ',')).Append('\n')
                .Append(segment.Text.Trim()).Append("\n\n");
        }

        return text.ToString();
    }

    /// <summary>WebVTT subtitles, one cue per segment.</summary>
    public string ToVtt()
    {
        var text = new StringBuilder("WEBVTT\n\n");
        foreach (var segment in Segments())
        {
            text.Append(Timestamp(segment.Start, '.')).Append(" --> ").Append(Timestamp(segment.End, '.')).Append('\n')
                .Append(segment.Text.Trim()).Append("\n\n");
        }

        return text.ToString();
    }

    private double Seconds(int wordIndex) => Math.Round(wordIndex * _wordSeconds, 3);

    private static string Timestamp(double seconds, char separator)
    {
        var time = TimeSpan.FromSeconds(seconds);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{(int)time.TotalHours:00}:{time.Minutes:00}:{time.Seconds:00}{separator}{time.Milliseconds:000}");
    }
}
