using System.Text;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Sources;

namespace Portal.Connectors.Tests.Support;

internal static class Exports
{
    public static readonly byte[] MasterSecret = Encoding.ASCII.GetBytes("test master secret, 32 bytes ok!");

    public static ExportRequest Request(AnonymizationProfile profile, string grant = "grant-A", string purpose = "HMB", int k = 1) => new()
    {
        Profile = profile,
        Purpose = purpose,
        GrantKey = KeyDerivation.ForGrant(MasterSecret, grant),
        GrantId = grant,
        K = k,
    };

    public static async Task<(ExportManifest Manifest, string Text)> RunCsvAsync(ExportSource source, ExportRequest request)
    {
        using var output = new MemoryStream();
        var manifest = await ExportPipeline.RunAsync(source, request, output);
        return (manifest, Encoding.UTF8.GetString(output.ToArray()));
    }
}
