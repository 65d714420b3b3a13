using Portal.Connectors;
using Portal.Connectors.Anonymization;
using Portal.Features.Keys;
using Portal.Hosting;

namespace Portal.Features.Exports.Offline;

/// <summary>
/// `Portal anonymize --profile p.json --input f.csv --output out.csv [--k 5] [--grant G] [--purpose P]`:
/// the export pipeline offline, so owners can try their profile before they share. Prints the manifest as JSON.
/// </summary>
public static class AnonymizeCommand
{
    public const string Usage =
        "usage: Portal anonymize --profile <profile.json> --input <file.csv|.parquet> --output <file.csv|.jsonl|.parquet[.gz]> " +
        "[--k <n>] [--grant <id>] [--purpose <DUO code>]   (secret: Keys__PseudonymMasterSecret or Keys__PseudonymMasterSecretFile)";

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                await Console.Error.WriteLineAsync($"portal: unexpected argument '{args[i]}'. {Usage}");
                return 2;
            }
            options[args[i][2..]] = args[++i];
        }
        var unknown = options.Keys.Except(["profile", "input", "output", "k", "grant", "purpose"]).ToList();
        if (unknown.Count > 0 || !options.TryGetValue("profile", out var profile) || !options.TryGetValue("input", out var input)
            || !options.TryGetValue("output", out var output))
        {
            await Console.Error.WriteLineAsync(unknown.Count > 0 ? $"portal: unknown option --{unknown[0]}. {Usage}" : $"portal: {Usage}");
            return 2;
        }
        int? k = null;
        if (options.TryGetValue("k", out var kText))
        {
            if (!int.TryParse(kText, out var kValue) || kValue < 1)
            {
                await Console.Error.WriteLineAsync($"portal: --k must be a whole number of at least 1, not '{kText}'.");
                return 2;
            }
            k = kValue;
        }

        try
        {
            var secret = MasterSecret.Read(configuration);
            var manifest = await OfflineAnonymizer.RunAsync(profile, input, output, k,
                options.GetValueOrDefault("grant"), secret, options.GetValueOrDefault("purpose"), ct);
            Console.WriteLine(manifest.ToJson());
            return manifest.Complete ? 0 : 1;
        }
        catch (Exception e) when (e is PortalConfigurationException or ProfileValidationException or ConnectorException
                                      or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"portal: {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }
}
