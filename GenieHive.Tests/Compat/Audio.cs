namespace GenieHive.Tests.Compat;

/// <summary>Small audio files for transcription uploads.</summary>
internal static class Audio
{
    /// <summary>A 16 kHz mono 16-bit PCM WAV of a 440 Hz tone, <paramref name="seconds"/> long (32 KB per second).</summary>
    public static byte[] Wav(double seconds = 0.25)
    {
        const int rate = 16_000;
        var samples = (int)(rate * seconds);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.ASCII, leaveOpen: true))
        {
            writer.Write("RIFF"u8);
            writer.Write(36 + (samples * 2));
            writer.Write("WAVEfmt "u8);
            writer.Write(16);
            writer.Write((short)1);
            writer.Write((short)1);
            writer.Write(rate);
            writer.Write(rate * 2);
            writer.Write((short)2);
            writer.Write((short)16);
            writer.Write("data"u8);
            writer.Write(samples * 2);
            for (var i = 0; i < samples; i++)
            {
                writer.Write((short)(Math.Sin(2 * Math.PI * 440 * i / rate) * 8000));
            }
        }

        return stream.ToArray();
    }
}
