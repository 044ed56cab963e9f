using System.Text;

namespace GenieHive.Facade.Transcriptions;

/// <summary>A form field of the client's upload, kept in arrival order.</summary>
internal sealed record FormField(string Name, string Value);

/// <summary>The bytes of the outgoing <c>multipart/form-data</c> body, written by hand so it can stream.</summary>
internal sealed class MultipartParts
{
    public MultipartParts()
    {
        Boundary = "geniehive-" + Guid.NewGuid().ToString("N");
        Closing = Encoding.UTF8.GetBytes("--" + Boundary + "--\r\n");
    }

    public string Boundary { get; }

    public string ContentType => "multipart/form-data; boundary=" + Boundary;

    public static byte[] LineBreak { get; } = "\r\n"u8.ToArray();

    public byte[] Closing { get; }

    /// <summary>A whole field part: header, value and the line break that ends it.</summary>
    public byte[] Field(string name, string value) =>
        Encoding.UTF8.GetBytes("--" + Boundary + "\r\nContent-Disposition: form-data; name=\"" + Escape(name) + "\"\r\n\r\n" + value + "\r\n");

    /// <summary>The header of the file part; the file's bytes and a line break follow.</summary>
    public byte[] FileHeader(string fileName, string contentType) =>
        Encoding.UTF8.GetBytes(
            "--" + Boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + Escape(fileName)
            + "\"\r\nContent-Type: " + StripLineBreaks(contentType) + "\r\n\r\n");

    // Quoted header parameters cannot carry quotes or line breaks.
    private static string Escape(string value) => StripLineBreaks(value).Replace("\"", "%22", StringComparison.Ordinal);

    private static string StripLineBreaks(string value) =>
        value.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal);
}
