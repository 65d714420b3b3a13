using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Datasets;
using Portal.Features.Demo;
using Portal.Tests.VirtualOrganizations;

namespace Portal.Tests.Datasets;

/// <summary>The preview is the export under a grant, cut short; the catalogue shows members only what is active and shared.</summary>
public sealed class DatasetPreviewAndCatalogueTests(DatasetsPortalFactory portal) : IClassFixture<DatasetsPortalFactory>
{
    private static Uri U(string path) => new(path, UriKind.Relative);

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    [Fact]
    public async Task The_owners_preview_under_a_grant_is_the_first_rows_of_that_grants_export_with_the_same_pseudonyms_and_is_audited_as_a_preview()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        await CoarserProfileAsync(alice);
        using var bob = await portal.SignedInAsync(DemoSeed.Bob);
        var export = await bob.GetStringAsync(U($"/api/datasets/{DemoSeed.PatientsDataset}/export?purpose=DS:HIV&ethics=UNI-IRB-2026-117&format=jsonl"));
        var exported = export.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(10).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Equal(10, exported.Count);

        await using var before = portal.CreateDb();
        var last = await before.AuditEvents.MaxAsync(e => e.Id);
        using var response = await alice.GetAsync(U($"/api/datasets/{DemoSeed.PatientsDataset}/preview?grantId={DemoSeed.BobPatientsGrant}&rows=10"));
        var preview = await JsonAsync(response);

        var rows = preview.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(10, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.True(JsonElement.DeepEquals(exported[i], rows[i]), $"row {i}: export {exported[i]} vs preview {rows[i]}");
        }
        Assert.Contains("patient_id", preview.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.DoesNotContain("mrn", preview.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        var manifest = preview.GetProperty("manifest");
        Assert.Equal(DemoSeed.BobPatientsGrant.ToString("D"), manifest.GetProperty("grantId").GetString());
        Assert.True(manifest.GetProperty("complete").GetBoolean());
        Assert.True(manifest.GetProperty("rowsWritten").GetInt64() >= 10);

        await using var db = portal.CreateDb();
        var events = await db.AuditEvents.Where(e => e.Id > last && e.ActorUserId == DemoSeed.Alice).ToListAsync();
        Assert.Contains(events, e => e.Type == "dataset.previewed" && e.GrantId == DemoSeed.BobPatientsGrant && e.DatasetId == DemoSeed.PatientsDataset);
        Assert.DoesNotContain(events, e => e.Type.StartsWith("export.", StringComparison.Ordinal));
    }

    /// <summary>With 3-digit postcodes every class of the demo hospital is below k; without them rows get through.</summary>
    private static async Task CoarserProfileAsync(HttpClient owner)
    {
        var profile = System.Text.Json.Nodes.JsonNode.Parse(DemoSeed.DemoProfile())!;
        foreach (var column in profile["columns"]!.AsArray())
        {
            if ((string?)column!["name"] == "postcode")
            {
                column["transform"] = new System.Text.Json.Nodes.JsonObject { ["type"] = "drop" };
            }
        }
        using var response = await owner.PutAsJsonAsync(U($"/api/datasets/{DemoSeed.PatientsDataset}/conditions"), new { anonymizationProfile = profile.ToJsonString() });
        await JsonAsync(response);
    }

    [Fact]
    public async Task A_preview_of_more_than_a_hundred_rows_or_of_another_datasets_grant_is_400()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        using var tooMany = await alice.GetAsync(U($"/api/datasets/{DemoSeed.PatientsDataset}/preview?grantId={DemoSeed.BobPatientsGrant}&rows=101"));
        await ApiProblem.AssertAsync(tooMany, HttpStatusCode.BadRequest, "rows");
        using var otherGrant = await alice.GetAsync(U($"/api/datasets/{DemoSeed.AdmissionsDataset}/preview?grantId={DemoSeed.BobPatientsGrant}"));
        await ApiProblem.AssertAsync(otherGrant, HttpStatusCode.BadRequest, "grantId");
    }

    [Fact]
    public async Task The_catalogue_lists_only_active_datasets_shared_into_the_vo_and_only_for_its_members()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        var draft = await portal.RegisterPatientsAsync(alice, "Draft " + Guid.NewGuid().ToString("N"));
        using (var share = await alice.PostAsJsonAsync(U($"/api/datasets/{draft}/shares"), new { voId = DemoSeed.CohortVo }))
        {
            await JsonAsync(share);
        }
        var notShared = await portal.RegisterPatientsAsync(alice, "Unshared " + Guid.NewGuid().ToString("N"));

        using var bob = await portal.SignedInAsync(DemoSeed.Bob);
        using var response = await bob.GetAsync(U($"/api/vos/{DemoSeed.CohortVo}/catalogue?pageSize=100"));
        var page = await JsonAsync(response);
        var ids = page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(DemoSeed.PatientsDataset, ids);
        Assert.DoesNotContain(draft, ids);
        Assert.DoesNotContain(notShared, ids);
        Assert.Equal(ids.Count, page.GetProperty("total").GetInt32());
        var patients = page.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("id").GetGuid() == DemoSeed.PatientsDataset);
        Assert.Equal("DS:HIV NCU IRB", patients.GetProperty("dataUse").GetString());
        Assert.Equal("Alice Owner", patients.GetProperty("ownerName").GetString());
        Assert.False(patients.TryGetProperty("connector", out _));

        using var paged = await bob.GetAsync(U($"/api/vos/{DemoSeed.CohortVo}/catalogue?page=2&pageSize=1"));
        var second = await JsonAsync(paged);
        Assert.Equal(ids.Count, second.GetProperty("total").GetInt32());
        Assert.Equal(ids.Count >= 2 ? 1 : 0, second.GetProperty("items").GetArrayLength());

        // Members of a VO see an active shared dataset's metadata; a draft shared there stays invisible (404).
        using var meta = await bob.GetAsync(U($"/api/datasets/{DemoSeed.PatientsDataset}"));
        Assert.Equal(JsonValueKind.Null, (await JsonAsync(meta)).GetProperty("manage").ValueKind);
        using var draftMeta = await bob.GetAsync(U($"/api/datasets/{draft}"));
        await ApiProblem.AssertAsync(draftMeta, HttpStatusCode.NotFound, null);

        using var created = await bob.PostAsJsonAsync(U("/api/vos"), new { name = "Bob's group " + Guid.NewGuid().ToString("N") });
        var bobsVo = (await JsonAsync(created, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        using var outsider = await alice.GetAsync(U($"/api/vos/{bobsVo}/catalogue"));
        await ApiProblem.AssertAsync(outsider, HttpStatusCode.Forbidden, null);
        using var unknown = await alice.GetAsync(U($"/api/vos/{Guid.NewGuid()}/catalogue"));
        await ApiProblem.AssertAsync(unknown, HttpStatusCode.NotFound, null);
    }

    [Fact]
    public async Task The_service_called_directly_refuses_non_owners_and_stewards_owner_only_actions()
    {
        var service = portal.Services.GetRequiredService<DatasetService>();
        var bob = VoWorld.CallerFor(DemoSeed.Bob);
        var carol = VoWorld.CallerFor(DemoSeed.Carol);
        var nobody = VoWorld.CallerFor(null);
        var ct = CancellationToken.None;
        await using var before = portal.CreateDb();
        var audit = await before.AuditEvents.CountAsync();

        Assert.Equal(FailureKind.NotFound, (await service.ClassifyAsync(bob, DemoSeed.PatientsDataset, new Dictionary<string, string> { ["mrn"] = "Other" }, ct)).Failure?.Kind);
        Assert.Equal(FailureKind.NotFound, (await service.SetConditionsAsync(bob, DemoSeed.PatientsDataset, new DatasetConditionsInput(DataUse: "GRU"), ct)).Failure?.Kind);
        Assert.Equal(FailureKind.NotFound, (await service.WithdrawAsync(bob, DemoSeed.PatientsDataset, "not mine", ct)).Failure?.Kind);
        Assert.Equal(FailureKind.NotFound, (await service.PreviewAsync(bob, DemoSeed.PatientsDataset, DemoSeed.BobPatientsGrant, 5, null, ct)).Failure?.Kind);
        Assert.Equal(FailureKind.Forbidden, (await service.WithdrawAsync(carol, DemoSeed.PatientsDataset, "steward", ct)).Failure?.Kind);
        Assert.Equal(FailureKind.Forbidden, (await service.AddStewardAsync(carol, DemoSeed.PatientsDataset, DemoSeed.Dave, ct)).Failure?.Kind);
        Assert.Equal(FailureKind.Forbidden, (await service.UnshareAsync(carol, DemoSeed.PatientsDataset, DemoSeed.CohortVo, ct)).Failure?.Kind);
        Assert.Equal(FailureKind.Unauthorized, (await service.ActivateAsync(nobody, DemoSeed.PatientsDataset, ct)).Failure?.Kind);

        await using var db = portal.CreateDb();
        var d = await db.Datasets.AsNoTracking().Include(x => x.Stewards).Include(x => x.Shares).SingleAsync(x => x.Id == DemoSeed.PatientsDataset);
        Assert.Equal(DatasetStatus.Active, d.Status);
        Assert.Equal("DS", d.DataUse.Primary);
        Assert.Equal(ColumnClass.DirectIdentifier, d.Columns.Single(c => c.Name == "mrn").Classification);
        Assert.Single(d.Stewards);
        Assert.Single(d.Shares);
        Assert.Equal(audit, await db.AuditEvents.CountAsync());
    }
}

/// <summary>Withdrawal is in force for the policy engine at once: the next export is refused.</summary>
public sealed class DatasetWithdrawalTests(WithdrawalPortalFactory portal) : IClassFixture<WithdrawalPortalFactory>
{
    [Fact]
    public async Task Withdrawing_blocks_the_next_export_at_once_and_records_the_reason()
    {
        var export = new Uri($"/api/datasets/{DemoSeed.PatientsDataset}/export?purpose=DS:HIV&ethics=UNI-IRB-2026-117&format=csv", UriKind.Relative);
        using var bob = await portal.SignedInAsync(DemoSeed.Bob);
        using (var allowed = await bob.GetAsync(export))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        using (var withdraw = await alice.PostAsJsonAsync(new Uri($"/api/datasets/{DemoSeed.PatientsDataset}/withdraw", UriKind.Relative), new { reason = "Consent of the cohort was revoked." }))
        {
            Assert.Equal(HttpStatusCode.OK, withdraw.StatusCode);
        }

        using var refused = await bob.GetAsync(export);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Contains(problem.RootElement.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("code").GetString() == "dataset.withdrawn");

        await using var db = portal.CreateDb();
        var d = await db.Datasets.AsNoTracking().SingleAsync(x => x.Id == DemoSeed.PatientsDataset);
        Assert.Equal(DatasetStatus.Withdrawn, d.Status);
        Assert.Equal("Consent of the cohort was revoked.", d.WithdrawalReason);
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Type == "dataset.withdrawn" && e.DatasetId == DemoSeed.PatientsDataset && e.ActorUserId == DemoSeed.Alice));
        Assert.True(await db.Notifications.AnyAsync(n => n.UserId == DemoSeed.Bob && n.Kind == "dataset.withdrawn"));
    }

    [Fact]
    public async Task A_withdrawal_tells_everyone_a_vo_grant_covers_not_only_personal_grantees()
    {
        var now = portal.Clock.GetUtcNow();
        await using (var seed = portal.CreateDb())
        {
            seed.Grants.Add(new Grant
            {
                Id = Guid.NewGuid(),
                DatasetId = DemoSeed.AdmissionsDataset,
                GranteeKind = GranteeKind.Vo,
                GranteeVoId = DemoSeed.CohortVo,
                Purposes = [new Purpose { Code = "HMB" }],
                ProfileVersion = 1,
                ValidFrom = now,
                ValidUntil = now.AddDays(30),
                CreatedById = DemoSeed.Alice,
                CreatedAt = now,
            });
            await seed.SaveChangesAsync();
        }

        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        using var withdraw = await alice.PostAsJsonAsync(new Uri($"/api/datasets/{DemoSeed.AdmissionsDataset}/withdraw", UriKind.Relative), new { reason = "Source system retired." });
        Assert.Equal(HttpStatusCode.OK, withdraw.StatusCode);

        await using var db = portal.CreateDb();
        var told = await db.Notifications.Where(n => n.Kind == "dataset.withdrawn" && n.Title.StartsWith("Recent admissions")).Select(n => n.UserId).ToListAsync();
        // Dave holds no grant of his own: he hears of it as a member of the VO the grant covers.
        Assert.Contains(DemoSeed.Dave, told);
        Assert.Contains(DemoSeed.Bob, told);
        Assert.Equal(told.Count, told.Distinct().Count());
    }

    [Fact]
    public async Task A_withdrawal_without_a_reason_is_400_naming_reason()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        using var response = await alice.PostAsJsonAsync(new Uri($"/api/datasets/{DemoSeed.AdmissionsDataset}/withdraw", UriKind.Relative), new { reason = " " });
        await ApiProblem.AssertAsync(response, HttpStatusCode.BadRequest, "reason");
    }
}
