using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Exports.Offline;

/// <summary>`Portal anonymize`, run as an owner would, on a file of synthetic patients and the demo profile.</summary>
public sealed class AnonymizeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("anonymize-").FullName;
    private readonly string _secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static string Profile => Path.Combine(RepoPaths.Root, "deploy", "demo", "patients-profile.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WritePatients(int count)
    {
        var random = new Random(7);
        var csv = new StringBuilder("patient_id,mrn,first_name,last_name,birth_date,sex,postcode,admission_date,diagnosis_code,cd4_count,viral_load,research_consent\n");
        for (var i = 1; i <= count; i++)
        {
            var birth = new DateOnly(1960 + random.Next(4), 1 + random.Next(12), 1 + random.Next(28));
            csv.Append(CultureInfo.InvariantCulture, $"{i},MRN{i:D8},Name{i},Family{i},{birth:yyyy-MM-dd},{(random.Next(2) == 0 ? "F" : "M")},")
               .Append(CultureInfo.InvariantCulture, $"{100 + random.Next(3)}{random.Next(100):D2},2021-03-0{1 + random.Next(9)},B20,{random.Next(50, 1200)},{random.Next(0, 100000)},{(i % 5 == 0 ? "false" : "true")}\n");
        }
        var path = Path.Combine(_dir, "patients.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    [Fact]
    public async Task Anonymizes_a_file_and_prints_a_manifest_that_matches_the_output()
    {
        var input = WritePatients(2000);
        var output = Path.Combine(_dir, "out.csv");

        var run = await RunAsync("--profile", Profile, "--input", input, "--output", output, "--k", "5", "--grant", "g-1", "--purpose", "DS:HIV");

        Assert.True(run.ExitCode == 0, run.Stderr);
        using var manifest = JsonDocument.Parse(run.Stdout);
        var m = manifest.RootElement;
        Assert.True(m.GetProperty("complete").GetBoolean());
        Assert.Equal(2000, m.GetProperty("rowsRead").GetInt64());
        Assert.Equal(400, m.GetProperty("rowsFilteredByConsent").GetInt64());
        var written = m.GetProperty("rowsWritten").GetInt64();
        Assert.Equal(1600 - m.GetProperty("rowsSuppressed").GetInt64(), written);
        Assert.True(m.GetProperty("kAchieved").GetInt64() >= 5);

        var bytes = await File.ReadAllBytesAsync(output);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(bytes)), m.GetProperty("sha256").GetString(), ignoreCase: true);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain("MRN", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Family", text, StringComparison.Ordinal);
        Assert.Equal(written + 1, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Without_a_master_secret_it_says_how_to_make_one_and_writes_nothing()
    {
        var input = WritePatients(10);
        var output = Path.Combine(_dir, "out.csv");
        var run = await RunAsync(withSecret: false, "--profile", Profile, "--input", input, "--output", output);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("No pseudonym master secret", Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task A_broken_profile_is_named_in_one_line()
    {
        var input = WritePatients(10);
        var profile = Path.Combine(_dir, "bad.json");
        await File.WriteAllTextAsync(profile, """{ "formatVersion": 1, "name": "x", "version": 1, "columns": [ { "name": "mrn", "class": "nonsense" } ] }""");
        var run = await RunAsync("--profile", profile, "--input", input, "--output", Path.Combine(_dir, "o.csv"));
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("portal: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--k", "0")]
    [InlineData("--k", "many")]
    [InlineData("--colour", "blue")]
    public async Task Bad_options_are_refused_with_usage(string option, string value)
    {
        var run = await RunAsync("--profile", Profile, "--input", "x.csv", "--output", "y.csv", option, value);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("portal: ", run.Stderr, StringComparison.Ordinal);
    }

    private Task<PortalExecutable.Run> RunAsync(params string[] args) => RunAsync(true, args);

    private Task<PortalExecutable.Run> RunAsync(bool withSecret, params string[] args) =>
        PortalExecutable.RunAsync(new Dictionary<string, string?> { ["Keys__PseudonymMasterSecret"] = withSecret ? _secret : null }, ["anonymize", .. args]);
}
