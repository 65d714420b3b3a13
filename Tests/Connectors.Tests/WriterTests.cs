using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Parquet;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Sources.Files;
using Portal.Connectors.Tests.Support;
using Portal.Connectors.Writers;

namespace Portal.Connectors.Tests;

/// <summary>The three formats carry the same rows; gzip and hashes cover the bytes really produced; a failed export never looks whole.</summary>
public sealed class WriterTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<Visit> _visits = Patients.Generate(300, 11);
    private readonly AnonymizationProfile _profile = AnonymizationProfile.Parse(Patients.ProfileJson(3));

    public WriterTests() => File.WriteAllText(_folder.File("v.csv"), Patients.ToCsv(_visits));

    public void Dispose() => _folder.Dispose();

    private CsvSource Source => new(new FileRoots([_folder.Path]), "v.csv");

    private async Task<(ExportManifest Manifest, byte[] Bytes)> Run(ExportFormat format, bool gzip = false, int rowGroup = 100)
    {
        using var output = new MemoryStream();
        var request = Exports.Request(_profile) with { Format = format, Gzip = gzip, ParquetRowGroupSize = rowGroup };
        var manifest = await ExportPipeline.RunAsync(Source, request, output);
        return (manifest, output.ToArray());
    }

    [Fact]
    public async Task Csv_jsonl_and_parquet_deliver_the_same_rows()
    {
        var (csvManifest, csv) = await Run(ExportFormat.Csv);
        var (jsonManifest, jsonl) = await Run(ExportFormat.JsonLines);
        var (parquetManifest, parquet) = await Run(ExportFormat.Parquet, rowGroup: 100);
        var expected = SimpleCsv.Records(Encoding.UTF8.GetString(csv));
        Assert.True(expected.Count > 250);

        var lines = Encoding.UTF8.GetString(jsonl).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected.Count, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            Assert.Equal(long.Parse(expected[i]["visit_id"], System.Globalization.CultureInfo.InvariantCulture), doc.RootElement.GetProperty("visit_id").GetInt64());
            Assert.Equal(expected[i]["patient_id"], doc.RootElement.GetProperty("patient_id").GetString());
            Assert.Equal(expected[i]["admission_date"], doc.RootElement.GetProperty("admission_date").GetString());
            Assert.Equal(expected[i]["cd4_count"] == "" ? JsonValueKind.Null : JsonValueKind.Number, doc.RootElement.GetProperty("cd4_count").ValueKind);
        }

        using var stream = new MemoryStream(parquet);
        await using var reader = await ParquetReader.CreateAsync(stream, new ParquetOptions { UseDateOnlyTypeForDates = true });
        Assert.Equal((expected.Count + 99) / 100, reader.RowGroupCount);
        var fields = reader.Schema.GetDataFields();
        var ids = new List<long?>();
        var pseudonyms = new List<string?>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var idValues = new long?[group.RowCount];
            await group.ReadAsync(fields.Single(f => f.Name == "visit_id"), idValues.AsMemory());
            ids.AddRange(idValues);
            var p = new string?[group.RowCount];
            await group.ReadAsync(fields.Single(f => f.Name == "patient_id"), p.AsMemory());
            pseudonyms.AddRange(p);
        }
        Assert.Equal(expected.Select(r => (long?)long.Parse(r["visit_id"], System.Globalization.CultureInfo.InvariantCulture)), ids);
        Assert.Equal(expected.Select(r => r["patient_id"]), pseudonyms);

        Assert.All(new[] { jsonManifest, parquetManifest }, m => Assert.Equal(csvManifest.RowsWritten, m.RowsWritten));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(parquet)), parquetManifest.Sha256);
        Assert.Equal(parquet.Length, parquetManifest.BytesWritten);
    }

    [Fact]
    public async Task Gzip_output_decompresses_to_the_plain_output_and_is_hashed_compressed()
    {
        var (_, plain) = await Run(ExportFormat.Csv);
        var (manifest, gz) = await Run(ExportFormat.Csv, gzip: true);
        using var unzip = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        using var back = new MemoryStream();
        await unzip.CopyToAsync(back);
        Assert.Equal(plain, back.ToArray());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(gz)), manifest.Sha256);
        Assert.True(manifest.Gzip);
    }

    [Theory]
    [InlineData(ExportFormat.Csv, true)]
    [InlineData(ExportFormat.Parquet, false)]
    public async Task A_failure_midway_leaves_no_closing_marker_and_an_incomplete_manifest(ExportFormat format, bool gzip)
    {
        // A line after 5000 carries a date that is not one: the export fails after writing earlier rows.
        var lines = Patients.ToCsv(Patients.Generate(4000, 5)).Split('\n');
        // (a consenting row: the consent filter runs before any transform would notice)
        var bad = Array.FindIndex(lines, 5000, l => l.EndsWith(",true", StringComparison.Ordinal));
        lines[bad] = System.Text.RegularExpressions.Regex.Replace(lines[bad], @",(19\d\d-)", ",x$1");
        await File.WriteAllTextAsync(_folder.File("v.csv"), string.Join('\n', lines));
        using var output = new MemoryStream();
        var request = Exports.Request(_profile with { K = 1 }) with { Format = format, Gzip = gzip, ParquetRowGroupSize = 50 };
        var e = await Assert.ThrowsAsync<ExportException>(() => ExportPipeline.RunAsync(Source, request, output));
        Assert.StartsWith($"v.csv line {bad + 1}, column 'birth_date'", e.Message, StringComparison.Ordinal);
        var manifest = e.Manifest!;
        Assert.False(manifest.Complete);
        Assert.Null(manifest.KAchieved);
        Assert.Equal(e.Message, manifest.Error);
        var bytes = output.ToArray();
        Assert.True(bytes.Length > 0, "rows before the failure were streamed");
        Assert.Equal(bytes.Length, manifest.BytesWritten);
        if (gzip)
        {
            // No gzip trailer: the last 4 bytes of a whole member are the uncompressed length (ISIZE), here they are not.
            using var unzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            try
            {
                await unzip.CopyToAsync(plain);
            }
            catch (InvalidDataException)
            {
                // Some truncations are already detected by the decompressor: fine as well.
            }
            Assert.NotEqual((uint)plain.Length, BitConverter.ToUInt32(bytes, bytes.Length - 4));
            Assert.False(plain.ToArray().AsSpan().EndsWith("\r\n"u8) && plain.Length > 0 && Encoding.UTF8.GetString(plain.ToArray()).Split("\r\n").Length > 8000, "not the whole export");
        }
        else
        {
            Assert.False(bytes.AsSpan(bytes.Length - 4).SequenceEqual("PAR1"u8), "no Parquet footer");
            await Assert.ThrowsAnyAsync<Exception>(async () => await ParquetReader.CreateAsync(new MemoryStream(bytes)));
        }
    }

    [Fact]
    public async Task Cancellation_fails_the_export_with_an_incomplete_manifest()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var e = await Assert.ThrowsAsync<ExportException>(() => ExportPipeline.RunAsync(Source, Exports.Request(_profile), Stream.Null, cts.Token));
        Assert.Equal("the export was cancelled", e.Message);
        Assert.False(e.Manifest!.Complete);
    }

    [Fact]
    public async Task The_offline_anonymizer_writes_the_file_and_returns_the_manifest()
    {
        var profilePath = _folder.File("profile.json");
        await File.WriteAllTextAsync(profilePath, Patients.ProfileJson(3));
        var outPath = _folder.File("out.jsonl.gz");
        var manifest = await OfflineAnonymizer.RunAsync(profilePath, _folder.File("v.csv"), outPath, 4, "G-7", Exports.MasterSecret, CancellationToken.None);
        Assert.True(manifest.Complete);
        Assert.Equal(4, manifest.K);
        Assert.Equal("JsonLines", manifest.Format);
        Assert.True(manifest.Gzip);
        Assert.Equal("G-7", manifest.GrantId);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(outPath))), manifest.Sha256);
        Assert.Contains("\"rowsSuppressed\"", manifest.ToJson(), StringComparison.Ordinal);

        await File.WriteAllTextAsync(_folder.File("broken.csv"), "visit_id\n1\n");
        await Assert.ThrowsAsync<ExportException>(() => OfflineAnonymizer.RunAsync(profilePath, _folder.File("broken.csv"), _folder.File("gone.csv"), null, null, Exports.MasterSecret, CancellationToken.None));
        Assert.False(File.Exists(_folder.File("gone.csv")), "a failed offline export leaves no file behind");
    }
}
