using System.Text;
using GenieHive.Facade.Proxy;

namespace GenieHive.Tests.Facade;

public sealed class JsonRequestScannerTests
{
    private static string Splice(string json, string newModel)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var scanned = JsonRequestScanner.Scan(bytes);
        Assert.Null(scanned.Error);
        return Encoding.UTF8.GetString(ModelSplicer.Splice(bytes, scanned.ModelStart, scanned.ModelEnd, newModel));
    }

    [Fact]
    public void FindsModelStreamAndMessages()
    {
        var scanned = JsonRequestScanner.Scan("""{"messages":[{"role":"user","content":"x"}],"stream":true,"model":"qwen"}"""u8);

        Assert.Equal("qwen", scanned.Model);
        Assert.True(scanned.Stream);
        Assert.Equal(FieldShape.Array, scanned.Messages);
        Assert.Equal(FieldShape.Missing, scanned.Input);
    }

    [Fact]
    public void SplicingReplacesOnlyTheModelValue()
    {
        Assert.Equal("""{"model":"up","messages":[]}""", Splice("""{"model":"role","messages":[]}""", "up"));
    }

    [Fact]
    public void SplicingWorksWhenModelIsNotFirstAndSpacedOut()
    {
        Assert.Equal(
            "{ \"temperature\" : 0.5 ,\n  \"model\" :   \"up\"  , \"x\":{\"model\":\"inner\"} }",
            Splice("{ \"temperature\" : 0.5 ,\n  \"model\" :   \"mentor\"  , \"x\":{\"model\":\"inner\"} }", "up"));
    }

    [Fact]
    public void SplicingHandlesEscapedStringsBothWays()
    {
        var json = """{"model":"a\"b\\c\u00e9","input":"x"}""";
        var scanned = JsonRequestScanner.Scan(Encoding.UTF8.GetBytes(json));
        Assert.Equal("a\"b\\cé", scanned.Model);

        Assert.Equal("""{"model":"q\"uote/é","input":"x"}""", Splice(json, "q\"uote/é"));
    }

    [Fact]
    public void NestedModelKeysAreNotTheModel()
    {
        var scanned = JsonRequestScanner.Scan("""{"metadata":{"model":"no"},"model":"yes"}"""u8);

        Assert.Equal("yes", scanned.Model);
    }

    [Theory]
    [InlineData("{\"model\":\"m\"", "The request body is not valid JSON.")]
    [InlineData("not json", "The request body is not valid JSON.")]
    [InlineData("[1,2]", "The request body must be a JSON object.")]
    [InlineData("\"text\"", "The request body must be a JSON object.")]
    [InlineData("{\"model\":\"m\"} {}", "The request body is not valid JSON.")]
    [InlineData("{\"messages\":[]}", "Missing 'model' in request body.")]
    [InlineData("{\"model\":42}", "'model' must be a string.")]
    [InlineData("{\"model\":null}", "'model' must be a string.")]
    [InlineData("{\"model\":\"a\",\"model\":\"b\"}", "'model' appears more than once.")]
    [InlineData("", "The request body is not valid JSON.")]
    public void BadBodiesAreRefusedWithAReason(string json, string error)
    {
        Assert.Equal(error, JsonRequestScanner.Scan(Encoding.UTF8.GetBytes(json)).Error);
    }

    [Fact]
    public void DeepNestingIsRefused()
    {
        var json = "{\"model\":\"m\",\"x\":" + new string('[', 200) + new string(']', 200) + "}";

        Assert.NotNull(JsonRequestScanner.Scan(Encoding.UTF8.GetBytes(json)).Error);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"\ud800"}]}""", "unpaired UTF-16 surrogate escape (\\ud800)")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"a\udc00b"}]}""", "unpaired UTF-16 surrogate escape (\\udc00)")]
    [InlineData("""{"model":"m","input":"\ud83d\n"}""", "unpaired UTF-16 surrogate escape (\\ud83d)")]
    [InlineData("""{"model":"m","\ud800":1}""", "unpaired UTF-16 surrogate escape (\\ud800)")]
    [InlineData("""{"model":"\udfff"}""", "unpaired UTF-16 surrogate escape (\\udfff)")]
    [InlineData("""{"model":"m","x":{"y":["\uDBFF"]}}""", "unpaired UTF-16 surrogate escape (\\udbff)")]
    public void LoneSurrogateEscapesAnywhereAreRefusedByName(string json, string problem)
    {
        var scanned = JsonRequestScanner.Scan(Encoding.UTF8.GetBytes(json));

        Assert.Equal("invalid_json", scanned.ErrorCode);
        Assert.Contains(problem, scanned.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":"m","input":"\ud83d\ude00 and \u00e9 and \\ud800 and \n"}""")]
    [InlineData("""{"model":"m","input":"\uD83D\uDE00"}""")]
    [InlineData("""{"model":"m","input":"plain \"quoted\" text"}""")]
    public void PairedSurrogatesAndEscapedBackslashesAreText(string json)
    {
        Assert.Null(JsonRequestScanner.Scan(Encoding.UTF8.GetBytes(json)).Error);
    }

    [Fact]
    public void InvalidUtf8InAnyStringIsRefused()
    {
        byte[] json = [.. "{\"model\":\"m\",\"messages\":[{\"content\":\""u8, 0xC3, 0x28, .. "\"}]}"u8];

        var scanned = JsonRequestScanner.Scan(json);

        Assert.Equal("invalid_json", scanned.ErrorCode);
        Assert.Contains("not valid UTF-8", scanned.Error, StringComparison.Ordinal);
    }
}
