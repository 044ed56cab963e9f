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
}
