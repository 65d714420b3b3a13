using System.Text;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Anonymization.Hierarchies;
using Portal.Connectors.Tests.Support;

namespace Portal.Connectors.Tests.Hierarchies;

/// <summary>Hostile hierarchies, from a file, from text and from bytes: each refused with its code, none half-loaded.</summary>
public sealed class HierarchyValidationTests
{
    [Theory]
    [InlineData("", "hierarchy.empty")]
    [InlineData("\n\r\n\n", "hierarchy.empty")]
    [InlineData("a;x;*\nb;*\n", "hierarchy.ragged")]
    [InlineData("a;x;*\na;y;*\n", "hierarchy.duplicate_value")]
    [InlineData("a;;*\nb;x;*\n", "hierarchy.empty_label")]
    [InlineData("a\nb\n", "hierarchy.too_few_levels")]
    [InlineData("a;x\nb;y\n", "hierarchy.top_not_single")]
    [InlineData("a;x;p\nb;x;q\n", "hierarchy.top_not_single")]
    [InlineData("a;x;p;*\nb;x;q;*\n", "hierarchy.not_monotone")]
    [InlineData("a;x;y;*\nb;y;x;*\n", "hierarchy.cycle")]
    [InlineData("a;b;*\nb;a;*\n", "hierarchy.label_conflict")]
    [InlineData("b;a;*\na;c;*\n", "hierarchy.label_conflict")]
    [InlineData("a;x\u0000;*\n", "hierarchy.control_character")]
    [InlineData("a;x\u001b[31m;*\n", "hierarchy.control_character")]
    public void Bad_shapes_are_refused_with_their_code(string text, string code)
    {
        var e = Assert.Throws<ConnectorException>(() => GeneralizationHierarchy.Parse(new StringReader(text), "h.csv"));
        Assert.Equal(code, e.Code);
        Assert.StartsWith("h.csv", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u0000', e.Message);
        Assert.DoesNotContain('\u001b', e.Message);
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("h.csv"), text);
        Assert.Equal(code, Assert.Throws<ConnectorException>(() => GeneralizationHierarchy.Load(folder.File("h.csv"))).Code);
        using var bytes = new MemoryStream(Encoding.UTF8.GetBytes(text));
        Assert.Equal(code, Assert.Throws<ConnectorException>(() => GeneralizationHierarchy.Parse(bytes, "h.csv")).Code);
    }

    [Theory]
    [InlineData("a;x;*\nb;x;*\nc;y;*\n", 3)]
    [InlineData("a;x;*\r\nb;x;*\r\n\r\nc;y;*", 3)]
    [InlineData("Male;*\nFemale;*\n", 2)]
    [InlineData("a;a;*\nb;a;*\n", 2)]
    [InlineData("1\t10-19\t*\n2\t0-9\t*\n", 2)]
    public void Good_hierarchies_load_from_text_bytes_and_files_alike(string text, int values)
    {
        var separator = text.Contains('\t', StringComparison.Ordinal) ? '\t' : ';';
        var fromText = GeneralizationHierarchy.Parse(new StringReader(text), "h", separator);
        using var bytes = new MemoryStream([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)]);
        var fromBytes = GeneralizationHierarchy.Parse(bytes, "h", separator);
        Assert.Equal(values, fromText.Count);
        Assert.Equal(values, fromBytes.Count);
        Assert.Equal("*", fromBytes.Generalize(text.Split(separator)[0], fromBytes.Levels - 1));
    }

    [Fact]
    public void Line_numbers_in_messages_count_blank_lines()
    {
        var e = Assert.Throws<ConnectorException>(() => GeneralizationHierarchy.Parse(new StringReader("a;x;*\n\n\nb;*\n"), "h.csv"));
        Assert.Contains("h.csv line 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_is_refused()
    {
        using var bytes = new MemoryStream([(byte)'a', (byte)';', 0xC3, 0x28, (byte)';', (byte)'*', (byte)'\n']);
        Assert.Equal("hierarchy.encoding", Assert.Throws<ConnectorException>(() => GeneralizationHierarchy.Parse(bytes, "h.csv")).Code);
    }

    [Fact]
    public void A_100_MB_stream_is_refused_after_reading_at_most_the_limit()
    {
        var endless = new EndlessStream(Encoding.ASCII.GetBytes("value;group;*\n"), 100L * 1024 * 1024);
        var e = Assert.Throws<ConnectorException>(() => GeneralizationHierarchy.Parse(endless, "big.csv"));
        Assert.True(e.Code is "hierarchy.too_large" or "hierarchy.too_many_values", e.Code);
        Assert.True(endless.BytesRead < HierarchyValidator.MaxChars + (1 << 20), $"read {endless.BytesRead} bytes");

        var oneLine = new EndlessStream("x"u8.ToArray(), 100L * 1024 * 1024);
        Assert.Equal("hierarchy.too_large", Assert.Throws<ConnectorException>(() => GeneralizationHierarchy.Parse(oneLine, "line.csv")).Code);
        Assert.True(oneLine.BytesRead < HierarchyValidator.MaxChars + (1 << 20), $"read {oneLine.BytesRead} bytes");
    }

    [Fact]
    public void A_seekable_100_MB_input_is_refused_without_reading_a_byte()
    {
        var seekable = new EndlessStream("x"u8.ToArray(), 100L * 1024 * 1024, seekable: true);
        Assert.Equal("hierarchy.too_large", Assert.Throws<ConnectorException>(() => GeneralizationHierarchy.Parse(seekable, "big.csv")).Code);
        Assert.Equal(0, seekable.BytesRead);
    }

    [Fact]
    public void Too_many_values_or_levels_are_refused()
    {
        var values = string.Concat(Enumerable.Range(0, HierarchyValidator.MaxValues + 1).Select(i => $"v{i};*\n"));
        Assert.Equal("hierarchy.too_many_values", Assert.Throws<ConnectorException>(() => GeneralizationHierarchy.Parse(new StringReader(values), "h")).Code);
        var levels = "a;" + string.Join(';', Enumerable.Range(0, HierarchyValidator.MaxLevels)) + ";*\n";
        Assert.Equal("hierarchy.too_many_levels", Assert.Throws<ConnectorException>(() => GeneralizationHierarchy.Parse(new StringReader(levels), "h")).Code);
    }

    [Fact]
    public void Missing_values_names_exactly_the_values_not_covered_once_each()
    {
        var hierarchy = GeneralizationHierarchy.Parse(new StringReader("B20;HIV;*\nB24;HIV;*\nZ21;carrier;*\n"), "dx");
        Assert.Equal(["A00", "b20"], HierarchyValidator.MissingValues(hierarchy, ["B20", "A00", "Z21", "A00", "b20", "B24"]));
        Assert.Empty(HierarchyValidator.MissingValues(hierarchy, ["B20", "Z21"]));
        Assert.Equal(["1980-02-30", "x"], HierarchyValidator.MissingValues(new DateHierarchy(), ["1980-02-28", "1980-02-30", "x"]));
    }

    /// <summary>A stream of <paramref name="length"/> bytes repeating a pattern, that counts what was read from it.</summary>
    private sealed class EndlessStream(byte[] pattern, long length, bool seekable = false) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => seekable;
        public override bool CanWrite => false;
        public override long Length => seekable ? length : throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - BytesRead);
            for (var i = 0; i < n; i++)
            {
                buffer[offset + i] = pattern[(BytesRead + i) % pattern.Length];
            }
            BytesRead += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
