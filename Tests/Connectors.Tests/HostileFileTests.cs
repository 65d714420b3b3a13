using System.Diagnostics;
using System.Text;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Sources.Files;
using Portal.Connectors.Tests.Support;

namespace Portal.Connectors.Tests;

/// <summary>Path traversal, endless lines, wrong encodings and malformed CSV: each fails with a message naming the file and line.</summary>
public sealed class HostileFileTests : IDisposable
{
    private readonly TempFolder _outside = new();
    private readonly TempFolder _root = new();

    public HostileFileTests()
    {
        File.WriteAllText(_outside.File("secret.csv"), Patients.ToCsv(Patients.Generate(5, 1)));
        File.WriteAllText(_root.File("ok.csv"), Patients.ToCsv(Patients.Generate(5, 1)));
    }

    public void Dispose()
    {
        _outside.Dispose();
        _root.Dispose();
    }

    private FileRoots Roots => new([_root.Path]);

    [Fact]
    public void Dot_dot_is_refused()
    {
        var relative = Path.GetRelativePath(_root.Path, _outside.File("secret.csv"));
        Assert.StartsWith("..", relative, StringComparison.Ordinal);
        var e = Assert.Throws<ConnectorException>(() => new CsvSource(Roots, relative));
        Assert.Equal("source.file.parent_segment", e.Code);
        Assert.Throws<ConnectorException>(() => new CsvSource(Roots, "sub/../../x.csv"));
    }

    [Fact]
    public void An_absolute_path_outside_the_roots_is_refused()
    {
        var e = Assert.Throws<ConnectorException>(() => new CsvSource(Roots, _outside.File("secret.csv")));
        Assert.Equal("source.file.outside_root", e.Code);
        Assert.Throws<ConnectorException>(() => new CsvSource(Roots, "/etc/passwd"));
        // Inside is fine, relative or absolute.
        Assert.Equal("ok.csv", new CsvSource(Roots, "ok.csv").DisplayName);
        Assert.Equal("ok.csv", new CsvSource(Roots, _root.File("ok.csv")).DisplayName);
    }

    [Fact]
    public void Symlinks_that_escape_are_refused()
    {
        File.CreateSymbolicLink(_root.File("link.csv"), _outside.File("secret.csv"));
        Directory.CreateSymbolicLink(_root.File("dir"), _outside.Path);
        Directory.CreateDirectory(_root.File("inner"));
        File.CreateSymbolicLink(_root.File("inner/relative.csv"), "../../" + Path.GetFileName(_outside.Path) + "/secret.csv");
        foreach (var path in new[] { "link.csv", "dir/secret.csv", _root.File("dir/secret.csv"), "inner/relative.csv" })
        {
            var e = Assert.Throws<ConnectorException>(() => new CsvSource(Roots, path));
            Assert.Equal("source.file.outside_root", e.Code);
        }
        // A symlink that stays inside is followed.
        File.CreateSymbolicLink(_root.File("alias.csv"), _root.File("ok.csv"));
        Assert.Equal("ok.csv", new CsvSource(Roots, "alias.csv").DisplayName);
    }

    [Fact]
    public void A_hierarchy_file_outside_the_profile_folder_is_refused()
    {
        var json = """
            { "formatVersion": 1, "name": "h", "version": 1,
              "columns": [ { "name": "sex", "class": "quasiIdentifier", "transform": { "type": "hierarchy", "file": "../../etc/passwd", "level": 1 } } ] }
            """;
        var e = Assert.Throws<ProfileValidationException>(() => AnonymizationProfile.Parse(json, _root.Path));
        Assert.Equal("profile.invalid", ProfileValidationException.Code);
        // The error names the column and the field at fault (the profile's errors are a list of such places).
        Assert.Contains(e.Errors, x => x.StartsWith("columns[0] 'sex': transform.file:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_never_ending_field_stops_at_the_limit_with_bounded_memory()
    {
        var options = new CsvOptions { MaxFieldLength = 1 << 20, MaxRecordLength = 4 << 20 };
        EndlessLineStream? stream = null;
        var source = new CsvSource(() => stream = new EndlessLineStream("visit_id,sex\n1,"), "endless.csv", options);
        var profile = AnonymizationProfile.Parse("""{ "formatVersion": 1, "name": "e", "version": 1, "columns": [ { "name": "visit_id", "class": "other" }, { "name": "sex", "class": "other" } ] }""");
        var before = GC.GetTotalMemory(true);
        var e = await Assert.ThrowsAsync<ExportException>(() => Exports.RunCsvAsync(source, Exports.Request(profile)));
        Assert.Equal("source.csv.field_too_long", e.Code);
        Assert.StartsWith("endless.csv line 2:", e.Message, StringComparison.Ordinal);
        Assert.InRange(stream!.Produced, 1 << 20, 8 << 20);
        Assert.True(GC.GetTotalMemory(false) - before < 64 << 20, "memory stayed bounded");
        Assert.False(e.Manifest!.Complete);

        var wide = new CsvSource(() => new EndlessLineStream("a,b\n1,", repeat: "x,"), "wide.csv", options);
        var w = await Assert.ThrowsAsync<ConnectorException>(() => wide.DescribeAsync().ContinueWith(_ => ReadAllAsync(wide, profile), TaskScheduler.Default).Unwrap());
        Assert.Equal("source.csv.record_too_long", w.Code);
        Assert.StartsWith("wide.csv line 2:", w.Message, StringComparison.Ordinal);
    }

    private static async Task ReadAllAsync(CsvSource source, AnonymizationProfile profile)
    {
        try
        {
            await Exports.RunCsvAsync(source, Exports.Request(profile with { Columns = [new ProfileColumn { Name = "a" }] }));
        }
        catch (ExportException e)
        {
            throw (Exception?)e.InnerException ?? e;
        }
    }

    [Fact]
    public async Task Invalid_utf8_is_reported_with_its_line()
    {
        var bytes = new List<byte>(Encoding.UTF8.GetBytes("visit_id,sex\n1,F\n2,M\n3,"));
        bytes.AddRange([0xC3, 0x28]);
        bytes.AddRange(Encoding.UTF8.GetBytes("\n5,F\n"));
        var source = new CsvSource(() => new MemoryStream(bytes.ToArray()), "bad.csv");
        var profile = AnonymizationProfile.Parse("""{ "formatVersion": 1, "name": "e", "version": 1, "columns": [ { "name": "visit_id", "class": "other" }, { "name": "sex", "class": "other" } ] }""");
        var e = await Assert.ThrowsAsync<ExportException>(() => Exports.RunCsvAsync(source, Exports.Request(profile)));
        Assert.Equal("source.csv.invalid_encoding", e.Code);
        Assert.StartsWith("bad.csv line 4:", e.Message, StringComparison.Ordinal);

        // The same bytes are valid Latin-1 when the owner says so.
        var latin = new CsvSource(() => new MemoryStream(bytes.ToArray()), "latin.csv", new CsvOptions { Encoding = "iso-8859-1" });
        var (manifest, text) = await Exports.RunCsvAsync(latin, Exports.Request(profile));
        Assert.Equal(4, manifest.RowsWritten);
        Assert.Contains("Ã(", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a,b\n1,\"open\n2,3\n", "source.csv.unclosed_quote", "x.csv line 2:")]
    [InlineData("a,b\n1,2\n3,x\"y\n", "source.csv.stray_quote", "x.csv line 3:")]
    [InlineData("a,b\n1,\"q\"z\n", "source.csv.text_after_quote", "x.csv line 2:")]
    [InlineData("a,b\n1,2\n3\n", "source.csv.field_count", "x.csv line 3:")]
    [InlineData("a,b\n1,2\n3,4,5\n", "source.csv.field_count", "x.csv line 3:")]
    [InlineData("", "source.csv.empty", "x.csv line 1:")]
    [InlineData("a,a\n1,2\n", "source.csv.header_duplicate", "x.csv line 1:")]
    public async Task Malformed_csv_is_reported_with_its_line(string content, string code, string where)
    {
        var source = new CsvSource(() => new MemoryStream(Encoding.UTF8.GetBytes(content)), "x.csv");
        var profile = AnonymizationProfile.Parse("""{ "formatVersion": 1, "name": "e", "version": 1, "columns": [ { "name": "a", "class": "other" } ] }""");
        var e = await Assert.ThrowsAsync<ExportException>(() => Exports.RunCsvAsync(source, Exports.Request(profile)));
        Assert.Equal(code, e.Code);
        Assert.StartsWith(where, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quoted_fields_with_delimiters_quotes_and_newlines_round_trip()
    {
        var content = "a;b\r\n\"x;y\";\"he said \"\"hi\"\"\nline2\"\r\n;\"\"\r\n";
        var source = new CsvSource(() => new MemoryStream(Encoding.UTF8.GetBytes(content)), "q.csv", new CsvOptions { Delimiter = ';' });
        var profile = AnonymizationProfile.Parse("""{ "formatVersion": 1, "name": "e", "version": 1, "columns": [ { "name": "a", "class": "other" }, { "name": "b", "class": "other" } ] }""");
        var (_, text) = await Exports.RunCsvAsync(source, Exports.Request(profile));
        var rows = SimpleCsv.Parse(text);
        Assert.Equal(["x;y", "he said \"hi\"\nline2"], rows[1]);
        Assert.Equal(["", ""], rows[2]);
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_names_file_line_and_column()
    {
        var visits = Patients.ToCsv(Patients.Generate(3, 2)).Split('\n');
        visits[2] = System.Text.RegularExpressions.Regex.Replace(visits[2], @",(19\d\d-)", ",not-a-date-$1");
        await File.WriteAllTextAsync(_root.File("typed.csv"), string.Join('\n', visits));
        var profile = AnonymizationProfile.Parse(Patients.ProfileJson(k: 1));
        var e = await Assert.ThrowsAsync<ExportException>(() => Exports.RunCsvAsync(new CsvSource(Roots, "typed.csv"), Exports.Request(profile)));
        Assert.Equal("source.cell.unconvertible", e.Code);
        Assert.StartsWith("typed.csv line 3, column 'birth_date':", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-date", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_column_is_named()
    {
        var profile = AnonymizationProfile.Parse("""{ "formatVersion": 1, "name": "e", "version": 1, "columns": [ { "name": "nope", "class": "other" } ] }""");
        var e = await Assert.ThrowsAsync<ExportException>(() => Exports.RunCsvAsync(new CsvSource(Roots, "ok.csv"), Exports.Request(profile)));
        Assert.Equal("profile.column.unknown", e.Code);
    }

    /// <summary>A header, then one field that never ends: what a 2 GB (or infinite) line looks like, without the 2 GB.</summary>
    private sealed class EndlessLineStream(string prefix, string repeat = "a") : Stream
    {
        private readonly byte[] _prefix = Encoding.UTF8.GetBytes(prefix);
        private readonly byte[] _repeat = Encoding.UTF8.GetBytes(repeat);

        public long Produced { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (var i = 0; i < count; i++, Produced++)
            {
                buffer[offset + i] = Produced < _prefix.Length ? _prefix[Produced] : _repeat[(Produced - _prefix.Length) % _repeat.Length];
            }
            Debug.Assert(Produced < long.MaxValue);
            return count;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Produced; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
