using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Datasets.Registration;
using Portal.Features.Demo;
using Portal.Tests.Datasets;

namespace Portal.Tests.Datasets.Registration;

public sealed class UploadSweepPortalFactory : DatasetsPortalFactory;

/// <summary>Uploads left without a dataset (a crash between storing and registering) are removed; nothing else is.</summary>
public sealed class UploadSweepJobTests(UploadSweepPortalFactory portal) : IClassFixture<UploadSweepPortalFactory>
{
    [Fact]
    public async Task Only_old_unregistered_files_under_generated_names_are_removed()
    {
        using var bob = await portal.SignedInAsync(DemoSeed.Bob);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Visits " + Guid.NewGuid().ToString("N")), "name" },
            { new ByteArrayContent("id,visit\n1,2024-01-02\n"u8.ToArray()), "file", "visits.csv" },
        };
        using var response = await bob.PostAsync(new Uri("/api/datasets/upload", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var id = body.RootElement.GetProperty("id").GetGuid();
        string registered;
        await using (var db = portal.CreateDb())
        {
            registered = (await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == id)).Connector.FilePath!;
        }

        var old = portal.Clock.GetUtcNow().UtcDateTime - UploadSweepJob.MinimumAge - TimeSpan.FromHours(1);
        var orphan = Guid.NewGuid().ToString("N") + ".csv";
        var youngOrphan = Guid.NewGuid().ToString("N") + ".parquet";
        var foreign = "owner-notes.csv";
        foreach (var name in new[] { orphan, youngOrphan, foreign })
        {
            await File.WriteAllTextAsync(Path.Combine(portal.UploadFolder, name), "x");
        }
        foreach (var name in new[] { registered, orphan, foreign })
        {
            File.SetLastWriteTimeUtc(Path.Combine(portal.UploadFolder, name), old);
        }
        File.SetLastWriteTimeUtc(Path.Combine(portal.UploadFolder, youngOrphan), portal.Clock.GetUtcNow().UtcDateTime.AddHours(-1));

        var removed = await portal.Services.GetRequiredService<UploadSweepJob>().SweepAsync(CancellationToken.None);

        Assert.Equal([orphan], removed);
        Assert.False(File.Exists(Path.Combine(portal.UploadFolder, orphan)));
        Assert.True(File.Exists(Path.Combine(portal.UploadFolder, registered)), "a registered dataset's file was removed");
        Assert.True(File.Exists(Path.Combine(portal.UploadFolder, youngOrphan)), "an upload that may still be registering was removed");
        Assert.True(File.Exists(Path.Combine(portal.UploadFolder, foreign)), "a file the portal did not name was removed");
    }
}
