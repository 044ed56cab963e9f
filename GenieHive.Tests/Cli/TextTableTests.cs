using GenieHive.Cli.Rendering;

namespace GenieHive.Tests.Cli;

public sealed class TextTableTests
{
    [Fact]
    public void ColumnsArePaddedToTheirWidestCellAndNumbersAlignRight()
    {
        var table = new TextTable("NAME", "SCORE", "NOTE").AlignRight("SCORE");
        table.Add("fast-chat", "0.9", "loaded");
        table.Add("slow", "0.45", null);

        Assert.Equal(
            [
                "NAME       SCORE  NOTE",
                "---------  -----  ------",
                "fast-chat    0.9  loaded",
                "slow        0.45",
            ],
            table.Lines());
    }

    [Fact]
    public void ACellNeverBreaksItsRow()
    {
        var table = new TextTable("A", "B");
        table.Add("line one\nline two", "x\ty");

        Assert.Equal("line one line two  x y", table.Lines()[2]);
    }

    [Theory]
    [InlineData(null, null, "-")]
    [InlineData(100.0, 108.4, "8.4 s")]
    [InlineData(100.0, 285.0, "3 m 05 s")]
    public void DurationsAreShort(double? from, double? to, string expected)
    {
        Assert.Equal(expected, Show.Duration(from, to));
    }

    [Fact]
    public void TimesAreUtcAndInvariant()
    {
        Assert.Equal("2026-03-01 12:00:05", Show.Time(1772366405));
        Assert.Equal("-", Show.Time(null));
        Assert.Equal("87.5%", Show.Percent(0.875));
    }
}
