using System.Text;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Anonymization.Transforms;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Tests;

public sealed class TransformTests
{
    private static readonly byte[] Key = KeyDerivation.ForGrant(Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef"), "g1");

    private static ColumnTransform Make(string json)
    {
        var profile = AnonymizationProfile.Parse($$"""{ "formatVersion": 1, "name": "t", "version": 1, "subjectColumn": "s", "columns": [ { "name": "s", "class": "other" }, { "name": "c", "class": "sensitive", "transform": {{json}} } ] }""");
        return TransformFactory.Create(profile.Columns[1], Key)!;
    }

    private static string Apply(ColumnTransform t, Cell value, string subject = "p1") => t.Apply(value, Cell.FromText(subject)).ToString();

    [Theory]
    [InlineData(0, "0-9")]
    [InlineData(37, "30-39")]
    [InlineData(89, "80-89")]
    [InlineData(90, "90+")]
    [InlineData(104, "90+")]
    public void Age_bands_top_code_at_90(long age, string band) =>
        Assert.Equal(band, Apply(Make("""{ "type": "ageBand", "width": 10 }"""), Cell.FromInteger(age)));

    [Theory]
    [InlineData("12345", "123")]
    [InlineData("03699", "000")]
    [InlineData(" 98765", " 98")]
    [InlineData("12", "12")]
    public void Postcodes_keep_three_digits_and_zero_restricted_prefixes(string postcode, string expected) =>
        Assert.Equal(expected, Apply(Make("""{ "type": "postcode", "restrictedPrefixes": ["036"] }"""), Cell.FromText(postcode)));

    [Fact]
    public void Dates_generalize_to_year_or_month()
    {
        Assert.Equal("1987", Apply(Make("""{ "type": "dateGeneralize", "to": "year" }"""), Cell.FromDate(new DateOnly(1987, 6, 5))));
        Assert.Equal("1987-06", Apply(Make("""{ "type": "dateGeneralize", "to": "yearMonth" }"""), Cell.FromText("1987-06-05")));
    }

    [Fact]
    public void Masks_keep_the_ends_and_never_reveal_short_values()
    {
        var mask = Make("""{ "type": "mask", "keepFirst": 2, "keepLast": 1 }""");
        Assert.Equal("MR******9", Apply(mask, Cell.FromText("MR1234569")));
        Assert.Equal("***", Apply(mask, Cell.FromText("abc")));
    }

    [Fact]
    public void Bins_are_half_open_and_aligned()
    {
        var bin = Make("""{ "type": "bin", "width": 50 }""");
        Assert.Equal("[100,150)", Apply(bin, Cell.FromInteger(100)));
        Assert.Equal("[100,150)", Apply(bin, Cell.FromInteger(149)));
        Assert.Equal("[-50,0)", Apply(bin, Cell.FromReal(-0.5)));
    }

    [Fact]
    public void Noise_is_bounded_keyed_and_repeatable()
    {
        var noise = Make("""{ "type": "noise", "bound": 3 }""");
        var values = Enumerable.Range(0, 500).Select(i => noise.Apply(Cell.FromInteger(1000), Cell.FromText("p" + i)).Integer).ToList();
        Assert.All(values, v => Assert.InRange(v, 997, 1003));
        Assert.True(values.Distinct().Count() >= 5, "noise should spread over the range");
        Assert.Equal(values[7], noise.Apply(Cell.FromInteger(1000), Cell.FromText("p7")).Integer);
    }

    [Fact]
    public void Pseudonyms_are_stable_per_key_and_type_independent()
    {
        var a = Make("""{ "type": "pseudonym" }""");
        Assert.Equal(Apply(a, Cell.FromInteger(42)), Apply(a, Cell.FromText("42")));
        Assert.NotEqual(Apply(a, Cell.FromInteger(42)), Apply(a, Cell.FromInteger(43)));
        Assert.Matches("^[0-9a-f]{32}$", Apply(a, Cell.FromInteger(42)));
        var other = new PseudonymTransform(KeyDerivation.ForGrant(Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef"), "g2"), "c", 32);
        Assert.NotEqual(Apply(a, Cell.FromInteger(42)), other.Apply(Cell.FromInteger(42), default).ToString());
    }

    [Fact]
    public void Key_derivation_is_deterministic_and_separates_grants()
    {
        var secret = Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef");
        Assert.Equal(KeyDerivation.ForGrant(secret, "g1"), KeyDerivation.ForGrant(secret, "g1"));
        Assert.NotEqual(KeyDerivation.ForGrant(secret, "g1"), KeyDerivation.ForGrant(secret, "g2"));
        Assert.Equal(32, KeyDerivation.ForGrant(secret, "g1").Length);
        Assert.Throws<ArgumentException>(() => KeyDerivation.ForGrant(new byte[8], "g1"));
    }

    [Fact]
    public void Date_shift_is_per_subject_and_bounded()
    {
        var shift = Make("""{ "type": "dateShift", "maxDays": 10 }""");
        var day = new DateOnly(2020, 1, 1);
        var offsets = Enumerable.Range(0, 200).Select(i => shift.Apply(Cell.FromDate(day), Cell.FromText("s" + i)).Date.DayNumber - day.DayNumber).ToList();
        Assert.All(offsets, o => Assert.InRange(o, -10, 10));
        Assert.True(offsets.Distinct().Count() > 10);
        Assert.Equal(offsets[3], shift.Apply(Cell.FromText("2020-01-01"), Cell.FromText("s3")).Date.DayNumber - day.DayNumber);
        Assert.True(shift.Apply(Cell.FromDate(day), Cell.Null).IsNull, "no subject, no date");
    }
}
