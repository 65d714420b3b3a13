using System.Globalization;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Tests;

/// <summary>The hand-written date formatter must agree with .NET's invariant "yyyy-MM-dd" on every kind of date.</summary>
public sealed class CellFormatTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(999, 12, 31)]
    [InlineData(1987, 6, 5)]
    [InlineData(2000, 2, 29)]
    [InlineData(9999, 12, 31)]
    public void Dates_format_as_invariant_iso(int year, int month, int day)
    {
        var date = new DateOnly(year, month, day);
        Assert.Equal(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Cell.FromDate(date).ToString());
    }

    [Fact]
    public void Every_day_of_four_centuries_formats_like_dotnet()
    {
        for (var d = new DateOnly(1900, 1, 1); d < new DateOnly(2300, 1, 1); d = d.AddDays(1))
        {
            Assert.Equal(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Cell.FromDate(d).ToString());
        }
    }

    [Fact]
    public void A_too_small_destination_is_refused()
    {
        Span<char> small = stackalloc char[9];
        Assert.False(Cell.FromDate(new DateOnly(2001, 2, 3)).TryFormat(small, out _));
    }
}
