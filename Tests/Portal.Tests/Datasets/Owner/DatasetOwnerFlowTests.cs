using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Datasets;
using Portal.Features.Demo;
using Portal.Tests.Datasets;
using Portal.Tests.VirtualOrganizations;

namespace Portal.Tests.Datasets.Owner;

/// <summary>Classification with suggestions, conditions, activation, stewards and shares: who may, and what is refused.</summary>
public sealed class DatasetOwnerFlowTests(DatasetsPortalFactory portal) : IClassFixture<DatasetsPortalFactory>
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
    public async Task Suggestions_flag_the_hospitals_names_birth_dates_postcodes_and_consent_from_names_and_sampled_values()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        var id = await portal.RegisterPatientsAsync(alice);

        using var response = await alice.GetAsync(U($"/api/datasets/{id}/suggestions"));
        var suggestions = (await JsonAsync(response)).EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);

        Assert.Equal("DirectIdentifier", suggestions["first_name"].GetProperty("suggested").GetString());
        Assert.Equal("DirectIdentifier", suggestions["last_name"].GetProperty("suggested").GetString());
        Assert.Equal("DirectIdentifier", suggestions["mrn"].GetProperty("suggested").GetString());
        Assert.Equal("DirectIdentifier", suggestions["patient_id"].GetProperty("suggested").GetString());
        Assert.Equal("QuasiIdentifier", suggestions["birth_date"].GetProperty("suggested").GetString());
        Assert.Equal("QuasiIdentifier", suggestions["postcode"].GetProperty("suggested").GetString());
        Assert.Equal("Consent", suggestions["research_consent"].GetProperty("suggested").GetString());
        // The birth dates' values were sampled and recognised, not only the name.
        Assert.Contains(suggestions["birth_date"].GetProperty("reasons").EnumerateArray(), r => r.GetString()!.Contains("sample values", StringComparison.Ordinal));
        Assert.All(suggestions.Values, s => Assert.Equal("Unclassified", s.GetProperty("current").GetString()));
        await using var db = portal.CreateDb();
        Assert.True(await db.AuditEvents.AnyAsync(e => e.DatasetId == id && e.Type == "dataset.suggestions_read"));
    }

    [Fact]
    public async Task An_unknown_duo_code_is_400_naming_dataUse_and_nothing_changes()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        var id = await portal.RegisterPatientsAsync(alice);
        using var response = await alice.PutAsJsonAsync(U($"/api/datasets/{id}/conditions"), new { dataUse = "HMB XYZ", termsOfUse = "New terms" });

        var detail = (await DatasetProblem.AssertAsync(response, HttpStatusCode.BadRequest, "dataset.data_use.invalid", "dataUse")).GetProperty("detail").GetString();
        Assert.Contains("XYZ", detail, StringComparison.Ordinal);
        await using var db = portal.CreateDb();
        var d = await db.Datasets.AsNoTracking().SingleAsync(x => x.Id == id);
        Assert.Equal("NRES", d.DataUse.Primary);
        Assert.Equal(1, d.TermsVersion);
        Assert.Equal("", d.TermsOfUse);
    }

    [Fact]
    public async Task Conditions_are_validated_and_versioned_terms_and_profile_bump_their_versions()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        var id = await portal.RegisterPatientsAsync(alice);

        using var bad = await alice.PutAsJsonAsync(U($"/api/datasets/{id}/conditions"), new { anonymizationProfile = """{ "formatVersion": 1, "name": "x", "columns": [ { "name": "mrn", "class": "directIdentifier", "transform": { "type": "keep" } } ] }""" });
        var detail = (await DatasetProblem.AssertAsync(bad, HttpStatusCode.BadRequest, "dataset.profile.invalid", "anonymizationProfile")).GetProperty("detail").GetString();
        Assert.Contains("mrn", detail, StringComparison.Ordinal);

        using var ok = await alice.PutAsJsonAsync(U($"/api/datasets/{id}/conditions"),
            new { dataUse = "DS:HIV NCU IRB", termsOfUse = "Cite us.", anonymizationProfile = DemoSeed.DemoProfile(), defaultK = 7 });
        var view = await JsonAsync(ok);
        Assert.Equal("DS:HIV NCU IRB", view.GetProperty("dataUse").GetString());
        Assert.Equal(2, view.GetProperty("termsVersion").GetInt32());
        Assert.Equal(1, view.GetProperty("manage").GetProperty("profileVersion").GetInt32());
        Assert.Equal(7, view.GetProperty("defaultK").GetInt32());

        using var again = await alice.PutAsJsonAsync(U($"/api/datasets/{id}/conditions"), new { termsOfUse = "Cite us twice." });
        Assert.Equal(3, (await JsonAsync(again)).GetProperty("termsVersion").GetInt32());
        await using var db = portal.CreateDb();
        Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.DatasetId == id && e.Type == "dataset.conditions_changed"));
    }

    [Fact]
    public async Task Activation_is_refused_while_a_column_is_unclassified_and_allowed_once_all_are_with_a_valid_profile()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        var id = await portal.RegisterPatientsAsync(alice);
        using (var profile = await alice.PutAsJsonAsync(U($"/api/datasets/{id}/conditions"), new { anonymizationProfile = DemoSeed.DemoProfile() }))
        {
            await JsonAsync(profile);
        }

        using var early = await alice.PostAsync(U($"/api/datasets/{id}/activate"), null);
        var detail = (await DatasetProblem.AssertAsync(early, HttpStatusCode.Conflict, "dataset.activate.unclassified", "columns")).GetProperty("detail").GetString();
        Assert.Contains("patient_id", detail, StringComparison.Ordinal);

        using var suggestions = await alice.GetAsync(U($"/api/datasets/{id}/suggestions"));
        var classes = (await JsonAsync(suggestions)).EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("suggested").GetString() ?? "Sensitive");
        classes["sex"] = "QuasiIdentifier";
        using (var classify = await alice.PutAsJsonAsync(U($"/api/datasets/{id}/columns"), new { columns = classes }))
        {
            var view = await JsonAsync(classify);
            Assert.DoesNotContain(view.GetProperty("manage").GetProperty("columns").EnumerateArray(), c => c.GetProperty("classification").GetString() == "Unclassified");
        }

        using var activate = await alice.PostAsync(U($"/api/datasets/{id}/activate"), null);
        Assert.Equal("Active", (await JsonAsync(activate)).GetProperty("status").GetString());
        await using var db = portal.CreateDb();
        Assert.Equal(DatasetStatus.Active, (await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == id)).Status);
        Assert.True(await db.AuditEvents.AnyAsync(e => e.DatasetId == id && e.Type == "dataset.activated"));
    }

    [Fact]
    public async Task An_unknown_class_or_column_is_400_naming_the_column()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        var id = await portal.RegisterPatientsAsync(alice);
        using var badClass = await alice.PutAsJsonAsync(U($"/api/datasets/{id}/columns"), new { columns = new Dictionary<string, string> { ["mrn"] = "Secret" } });
        await DatasetProblem.AssertAsync(badClass, HttpStatusCode.BadRequest, "dataset.column.class_unknown", "columns.mrn");
        using var badColumn = await alice.PutAsJsonAsync(U($"/api/datasets/{id}/columns"), new { columns = new Dictionary<string, string> { ["nope"] = "Other" } });
        await DatasetProblem.AssertAsync(badColumn, HttpStatusCode.BadRequest, "dataset.column.unknown", "columns.nope");
    }

    [Fact]
    public async Task Another_user_gets_404_for_every_action_on_someone_elses_dataset_and_nothing_changes()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        var id = await portal.RegisterPatientsAsync(alice);
        using var bob = await portal.SignedInAsync(DemoSeed.Bob);
        var attempts = new Func<Task<HttpResponseMessage>>[]
        {
            () => bob.GetAsync(U($"/api/datasets/{id}")),
            () => bob.GetAsync(U($"/api/datasets/{id}/suggestions")),
            () => bob.PutAsJsonAsync(U($"/api/datasets/{id}/columns"), new { columns = new Dictionary<string, string> { ["mrn"] = "Other" } }),
            () => bob.PutAsJsonAsync(U($"/api/datasets/{id}/conditions"), new { name = "Mine now" }),
            () => bob.PostAsJsonAsync(U($"/api/datasets/{id}/stewards"), new { userId = DemoSeed.Bob }),
            () => bob.PostAsJsonAsync(U($"/api/datasets/{id}/shares"), new { voId = DemoSeed.CohortVo }),
            () => bob.PostAsync(U($"/api/datasets/{id}/activate"), null),
            () => bob.PostAsJsonAsync(U($"/api/datasets/{id}/withdraw"), new { reason = "mine" }),
            () => bob.GetAsync(U($"/api/datasets/{id}/preview?grantId={DemoSeed.BobPatientsGrant}")),
        };
        await using var before = portal.CreateDb();
        var audit = await before.AuditEvents.CountAsync(e => e.DatasetId == id);
        foreach (var attempt in attempts)
        {
            using var response = await attempt();
            await DatasetProblem.AssertAsync(response, HttpStatusCode.NotFound, "dataset.not_found");
        }
        await using var db = portal.CreateDb();
        var d = await db.Datasets.AsNoTracking().Include(x => x.Stewards).SingleAsync(x => x.Id == id);
        Assert.NotEqual("Mine now", d.Name);
        Assert.Empty(d.Stewards);
        Assert.Equal(DatasetStatus.Draft, d.Status);
        Assert.All(d.Columns, c => Assert.Equal(ColumnClass.Unclassified, c.Classification));
        Assert.Equal(audit, await db.AuditEvents.CountAsync(e => e.DatasetId == id));
    }

    [Fact]
    public async Task A_steward_may_classify_but_not_withdraw_change_stewards_or_share()
    {
        using var carol = await portal.SignedInAsync(DemoSeed.Carol);
        // admission_date is a generalized quasi-identifier in the profile: calling it Sensitive alone would contradict it.
        using var contradicting = await carol.PutAsJsonAsync(U($"/api/datasets/{DemoSeed.AdmissionsDataset}/columns"),
            new { columns = new Dictionary<string, string> { ["admission_date"] = "Sensitive" } });
        await DatasetProblem.AssertAsync(contradicting, HttpStatusCode.Conflict, "dataset.columns.contradict_profile");
        // first_name is dropped by the profile, so its class may change without touching the profile.
        using var classify = await carol.PutAsJsonAsync(U($"/api/datasets/{DemoSeed.AdmissionsDataset}/columns"),
            new { columns = new Dictionary<string, string> { ["first_name"] = "Other" } });
        await JsonAsync(classify);

        using var withdraw = await carol.PostAsJsonAsync(U($"/api/datasets/{DemoSeed.AdmissionsDataset}/withdraw"), new { reason = "steward tries" });
        await DatasetProblem.AssertAsync(withdraw, HttpStatusCode.Forbidden, "dataset.owner_only");
        using var steward = await carol.PostAsJsonAsync(U($"/api/datasets/{DemoSeed.AdmissionsDataset}/stewards"), new { userId = DemoSeed.Bob });
        await DatasetProblem.AssertAsync(steward, HttpStatusCode.Forbidden, "dataset.owner_only");

        await using var db = portal.CreateDb();
        var d = await db.Datasets.AsNoTracking().Include(x => x.Stewards).SingleAsync(x => x.Id == DemoSeed.AdmissionsDataset);
        Assert.Equal(ColumnClass.QuasiIdentifier, d.Columns.Single(c => c.Name == "admission_date").Classification);
        Assert.Equal(ColumnClass.Other, d.Columns.Single(c => c.Name == "first_name").Classification);
        Assert.Equal(DatasetStatus.Active, d.Status);
        Assert.DoesNotContain(d.Stewards, s => s.UserId == DemoSeed.Bob);
        Assert.True(await db.AuditEvents.AnyAsync(e => e.DatasetId == DemoSeed.AdmissionsDataset && e.Type == "dataset.columns_classified" && e.ActorUserId == DemoSeed.Carol));
    }

    [Fact]
    public async Task The_owner_adds_and_removes_a_steward_who_then_sees_the_dataset_and_then_does_not()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        var id = await portal.RegisterPatientsAsync(alice);
        using var bob = await portal.SignedInAsync(DemoSeed.Bob);

        using (var add = await alice.PostAsJsonAsync(U($"/api/datasets/{id}/stewards"), new { userId = DemoSeed.Bob }))
        {
            await JsonAsync(add);
        }
        using (var seen = await bob.GetAsync(U($"/api/datasets/{id}")))
        {
            Assert.Equal("Steward", (await JsonAsync(seen)).GetProperty("myRole").GetString());
        }
        using (var mine = await bob.GetAsync(U("/api/datasets?pageSize=100")))
        {
            Assert.Contains((await JsonAsync(mine)).GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetGuid() == id);
        }
        using (var remove = await alice.DeleteAsync(U($"/api/datasets/{id}/stewards/{DemoSeed.Bob}")))
        {
            Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        }
        using var gone = await bob.GetAsync(U($"/api/datasets/{id}"));
        await DatasetProblem.AssertAsync(gone, HttpStatusCode.NotFound, "dataset.not_found");
        await using var db = portal.CreateDb();
        Assert.Equal(["dataset.steward_added", "dataset.steward_removed"],
            await db.AuditEvents.Where(e => e.DatasetId == id && e.Type.StartsWith("dataset.steward")).OrderBy(e => e.Id).Select(e => e.Type).ToListAsync());
    }

    [Fact]
    public async Task The_owner_pages_render_the_datasets_columns_and_refuse_others_on_the_server()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        var dashboard = await alice.GetStringAsync(U("/owner"));
        Assert.Contains("HIV clinic patients", dashboard, StringComparison.Ordinal);
        Assert.Contains("DS:HIV, NCU, IRB", dashboard, StringComparison.Ordinal);
        var detail = await alice.GetStringAsync(U($"/owner/datasets/{DemoSeed.PatientsDataset}"));
        Assert.Contains("dataset-columns", detail, StringComparison.Ordinal);
        Assert.Contains("birth_date", detail, StringComparison.Ordinal);
        // Each column's class picker has an accessible name, on the element that carries the combobox role.
        Assert.Matches("<div [^>]*aria-label=\"Class of column birth_date\" role=\"combobox\"", detail);
        Assert.Contains("Register a dataset", await alice.GetStringAsync(U("/owner/datasets/new")), StringComparison.Ordinal);

        using var bob = await portal.SignedInAsync(DemoSeed.Bob);
        var refused = await bob.GetStringAsync(U($"/owner/datasets/{DemoSeed.PatientsDataset}"));
        Assert.DoesNotContain("birth_date", refused, StringComparison.Ordinal);
        Assert.Contains("Only the dataset&#x27;s owner and stewards manage it.", refused, StringComparison.Ordinal);
    }
}
