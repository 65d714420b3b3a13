using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.Features.Demo;

namespace Portal.Tests.Datasets.Columns;

public sealed class ProfileContractPortalFactory : DatasetsPortalFactory;

/// <summary>
/// The owner's classification and her profile are one contract: a contradiction cannot be saved from either side,
/// both change together in one request, and an export re-checks what is stored.
/// </summary>
public sealed class ProfileContractTests(ProfileContractPortalFactory portal) : IClassFixture<ProfileContractPortalFactory>
{
    private static Uri Conditions => new($"/api/datasets/{DemoSeed.PatientsDataset}/conditions", UriKind.Relative);

    private async Task<(int ProfileVersion, string Profile, ColumnClass Mrn)> StoredAsync()
    {
        await using var db = portal.CreateDb();
        var d = await db.Datasets.AsNoTracking().SingleAsync(x => x.Id == DemoSeed.PatientsDataset);
        return (d.ProfileVersion, d.AnonymizationProfile!, d.Columns.Single(c => c.Name == "mrn").Classification);
    }

    [Fact]
    public async Task A_profile_that_keeps_a_direct_identifier_or_exports_consent_is_refused_with_a_named_error_per_column()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        var before = await StoredAsync();
        var profile = DemoSeed.DemoProfile()
            .Replace("""{ "name": "mrn", "class": "directIdentifier", "transform": { "type": "drop" } }""",
                """{ "name": "mrn", "class": "sensitive", "transform": { "type": "keep" } }""", StringComparison.Ordinal)
            .Replace("""{ "name": "research_consent", "class": "consent", "type": "boolean", "transform": { "type": "drop" } }""",
                """{ "name": "research_consent", "class": "other", "type": "boolean", "transform": { "type": "keep" } }""", StringComparison.Ordinal);
        Assert.NotEqual(DemoSeed.DemoProfile(), profile);

        using var response = await alice.PutAsJsonAsync(Conditions, new { anonymizationProfile = profile });

        var problem = await DatasetProblem.AssertAsync(response, HttpStatusCode.BadRequest, "dataset.profile.contradicts_classification");
        var violations = problem.GetProperty("violations").EnumerateArray()
            .Select(v => (v.GetProperty("field").GetString(), v.GetProperty("code").GetString())).ToList();
        Assert.Contains(("columns.mrn", "profile.column.class_mismatch"), violations);
        Assert.Contains(("columns.research_consent", "profile.consent_column.exported"), violations);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task Classes_and_profile_change_together_in_one_request_and_a_class_alone_that_contradicts_is_refused()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        var before = await StoredAsync();

        // diagnosis_code is exported as sensitive: calling it a quasi-identifier alone contradicts the profile.
        using var alone = await alice.PutAsJsonAsync(new Uri($"/api/datasets/{DemoSeed.PatientsDataset}/columns", UriKind.Relative),
            new { columns = new Dictionary<string, string> { ["diagnosis_code"] = "QuasiIdentifier" } });
        var problem = await DatasetProblem.AssertAsync(alone, HttpStatusCode.Conflict, "dataset.columns.contradict_profile");
        Assert.Contains(problem.GetProperty("violations").EnumerateArray(),
            v => v.GetProperty("field").GetString() == "columns.diagnosis_code" && v.GetProperty("code").GetString() == "profile.column.class_mismatch");

        var profile = DemoSeed.DemoProfile().Replace(
            """{ "name": "diagnosis_code", "class": "sensitive", "transform": { "type": "keep" } }""",
            """{ "name": "diagnosis_code", "class": "quasiIdentifier", "transform": { "type": "keep" } }""", StringComparison.Ordinal);
        Assert.NotEqual(DemoSeed.DemoProfile(), profile);
        using var together = await alice.PutAsJsonAsync(Conditions, new
        {
            anonymizationProfile = profile,
            columns = new Dictionary<string, string> { ["diagnosis_code"] = "QuasiIdentifier" },
        });
        Assert.Equal(HttpStatusCode.OK, together.StatusCode);

        await using var db = portal.CreateDb();
        var d = await db.Datasets.AsNoTracking().SingleAsync(x => x.Id == DemoSeed.PatientsDataset);
        Assert.Equal(ColumnClass.QuasiIdentifier, d.Columns.Single(c => c.Name == "diagnosis_code").Classification);
        Assert.Equal(before.ProfileVersion + 1, d.ProfileVersion);
        var audit = await db.AuditEvents.AsNoTracking().Where(e => e.DatasetId == DemoSeed.PatientsDataset && e.Type == "dataset.conditions_changed")
            .OrderBy(e => e.Id).LastAsync();
        Assert.True(audit.Details!.RootElement.GetProperty("columns").TryGetProperty("diagnosis_code", out _));
    }

    [Fact]
    public async Task An_export_rechecks_the_stored_contract_and_refuses_a_contradiction_written_behind_the_portals_back()
    {
        await SetAdmissionDateAsync(ColumnClass.DirectIdentifier);
        try
        {
            // As if stored before the contract existed: the owner's table says admission_date is a direct identifier,
            // the profile generalizes it as a quasi-identifier. Bob holds a grant on the dataset.
            using var bob = await portal.SignedInAsync(DemoSeed.Bob);
            long last;
            await using (var db = portal.CreateDb())
            {
                last = await db.AuditEvents.MaxAsync(e => e.Id);
            }

            using var response = await bob.GetAsync(new Uri(
                $"/api/datasets/{DemoSeed.PatientsDataset}/export?purpose=DS:HIV&ethics=UNI-IRB-2026-117&format=csv", UriKind.Relative));

            var problem = await DatasetProblem.AssertAsync(response, HttpStatusCode.Conflict, "export.profile.contradicts_classification");
            Assert.Contains("admission_date", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            await using var check = portal.CreateDb();
            Assert.True(await check.AuditEvents.AnyAsync(e => e.Id > last && e.Type == "export.failed" && e.Reason == "export.profile.contradicts_classification"));
            Assert.False(await check.AuditEvents.AnyAsync(e => e.Id > last && e.Type == "export.completed"));
        }
        finally
        {
            await SetAdmissionDateAsync(ColumnClass.QuasiIdentifier);
        }
    }

    private async Task SetAdmissionDateAsync(ColumnClass cls)
    {
        await using var db = portal.CreateDb();
        var d = await db.Datasets.SingleAsync(x => x.Id == DemoSeed.PatientsDataset);
        d.Columns.Single(c => c.Name == "admission_date").Classification = cls;
        await db.SaveChangesAsync();
    }
}
