using System.Globalization;
using System.Net;
using System.Text;

namespace GenieHive.Bench.Load.Http;

/// <summary>Pre-encoded HTTP/1.1 requests: built once per target, sent as one write each time.</summary>
internal static class RequestBytes
{
    /// <summary>
    /// A POST with a JSON body and the client key as <c>Authorization: Bearer</c> (what OpenAI SDKs send), plus
    /// <paramref name="extraHeaderLines"/> (each ending in CRLF).
    /// </summary>
    public static byte[] PostJson(IPEndPoint endPoint, string path, string apiKey, string jsonBody, string extraHeaderLines = "")
    {
        var body = Encoding.UTF8.GetBytes(jsonBody);
        var head = string.Create(CultureInfo.InvariantCulture, $"POST {path} HTTP/1.1\r\nHost: {endPoint}\r\nContent-Type: application/json\r\nAccept: */*\r\nAuthorization: Bearer {apiKey}\r\n{extraHeaderLines}Content-Length: {body.Length}\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(head), .. body];
    }

    /// <summary>A GET without a body.</summary>
    public static byte[] Get(IPEndPoint endPoint, string path, string apiKey) =>
        Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"GET {path} HTTP/1.1\r\nHost: {endPoint}\r\nAccept: */*\r\nAuthorization: Bearer {apiKey}\r\n\r\n"));
}
