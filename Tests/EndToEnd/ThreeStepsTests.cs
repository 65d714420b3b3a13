using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Npgsql;

namespace Portal.EndToEnd;

/// <summary>
/// Issue #7's three steps, as people do them in Chromium, each signed in at their own institution's IdP: Alice (the
/// hospital) creates a VO and invites Bob (the university) by link; she registers the hospital's patient table,
/// classifies it, sets its conditions and profile, activates it and shares it into the VO; Bob finds it in the
/// catalogue and asks for it for HIV research for 30 days; Alice approves 14; Bob sees the grant and its end; Alice
/// revokes it; Bob sees it ended and the export API refuses him. Every step leaves its audit event.
/// </summary>
public sealed partial class ThreeStepsTests(PortalProcess portal, Browser browser) : IClassFixture<PortalProcess>, IClassFixture<Browser>
{
    [Fact]
    public async Task An_owner_shares_patients_with_an_invited_researcher_grants_14_days_and_revokes()
    {
        try
        {
            await ThreeStepsAsync();
        }
        catch
        {
            // What each person saw when it went wrong, beside the test assembly.
            for (var i = 0; i < _pages.Count; i++)
            {
                await _pages[i].ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, $"three-steps-failed-{i}.png"), FullPage = true });
                await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, $"three-steps-failed-{i}.html"), await _pages[i].ContentAsync());
            }
            await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "three-steps-portal.log"), portal.Log);
            throw;
        }
    }

    private async Task ThreeStepsAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var voName = $"HIV outcomes study {suffix}";
        var datasetName = $"HIV clinic patients {suffix}";
        var alice = await SignedInAsync("Alice Owner");
        var bob = await SignedInAsync("Bob Researcher");

        // Step 1: a VO, and a researcher from another institution in it.
        await alice.GotoAsync("/vos/new");
        await InteractiveAsync(alice);
        await alice.GetByLabel("Name").First.FillAsync(voName);
        await alice.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await Expect(alice).ToHaveURLAsync(VoPage(), Arrive);
        var voId = Guid.Parse(VoPage().Match(alice.Url).Groups[1].Value);
        await Expect(alice.GetByRole(AriaRole.Heading, new() { Name = voName })).ToBeVisibleAsync(Visible);

        await InteractiveAsync(alice);
        await alice.GetByRole(AriaRole.Button, new() { Name = "Create invitation" }).ClickAsync();
        var link = (await alice.GetByTestId("invitation-link").InnerTextAsync()).Trim();

        await bob.GotoAsync(link);
        await Expect(bob.GetByTestId("invitation")).ToContainTextAsync(voName, Wait);
        await Expect(bob.GetByTestId("invitation")).ToContainTextAsync("Alice Owner invites you", Wait);
        await InteractiveAsync(bob);
        await bob.GetByRole(AriaRole.Button, new() { Name = "Accept invitation" }).ClickAsync();
        await Expect(bob.GetByTestId("my-vos")).ToContainTextAsync(voName, Wait);

        await alice.ReloadAsync();
        var bobAsMember = alice.GetByTestId("vo-members").Locator("tr").Filter(new() { HasText = "Bob Researcher" });
        await Expect(bobAsMember).ToContainTextAsync("university", new() { Timeout = Patience, IgnoreCase = true });

        // Step 2: the patient table behind a PostgreSQL connector, classified, conditioned, active, in the VO's catalogue.
        await alice.GotoAsync("/owner");
        await InteractiveAsync(alice);
        await alice.GetByTestId("register-dataset").ClickAsync();
        await Expect(alice).ToHaveURLAsync(new Regex("/owner/datasets/new$"), Arrive);
        await InteractiveAsync(alice);
        var source = portal.Hospital;
        await alice.GetByLabel("Name", new() { Exact = true }).FillAsync(datasetName);
        await alice.GetByLabel("Description").FillAsync("Patients of the HIV clinic: demographics, diagnosis, latest CD4 count and viral load.");
        await alice.GetByLabel("Host").FillAsync(source.Host);
        await alice.GetByLabel("Port").FillAsync(source.Port.ToString(CultureInfo.InvariantCulture));
        await alice.GetByLabel("Database").FillAsync(source.Database);
        await Expect(alice.GetByLabel("Schema")).ToHaveValueAsync("public", new() { Timeout = Patience });
        await alice.GetByRole(AriaRole.Textbox, new() { Name = "Table or view" }).FillAsync("patients");
        await alice.GetByLabel("User").FillAsync(source.User);
        await alice.GetByLabel("Password").FillAsync(source.Password);
        await alice.GetByRole(AriaRole.Button, new() { Name = "Register", Exact = true }).ClickAsync();

        await Expect(alice).ToHaveURLAsync(DatasetPage(), Arrive);
        var datasetId = Guid.Parse(DatasetPage().Match(alice.Url).Groups[1].Value);
        await Expect(alice.GetByRole(AriaRole.Heading, new() { Name = datasetName })).ToBeVisibleAsync(Visible);
        await Expect(alice.GetByTestId("dataset-status")).ToHaveTextAsync("Draft", new() { Timeout = Patience });
        var columns = alice.GetByTestId("dataset-columns");
        await Expect(columns.Locator("tbody tr")).ToHaveCountAsync(12, new() { Timeout = Patience });
        await InteractiveAsync(alice);

        await alice.GetByTestId("suggest").ClickAsync();
        var admission = columns.Locator("tbody tr").Filter(new() { HasText = "admission_date" });
        // An admission date is a quasi-identifier by its name; Alice first overrides it as sensitive data.
        await Expect(admission).ToContainTextAsync("QuasiIdentifier", Wait);
        await Expect(columns.Locator("tbody tr").Filter(new() { HasText = "first_name" })).ToContainTextAsync("DirectIdentifier", Wait);
        await alice.GetByTestId("apply-suggestions").ClickAsync();
        await Expect(admission.GetByRole(AriaRole.Combobox)).ToHaveTextAsync("QuasiIdentifier", new() { Timeout = Patience });
        await ChooseAsync(alice, admission.GetByRole(AriaRole.Combobox), "Sensitive");
        await Expect(admission.GetByRole(AriaRole.Combobox)).ToHaveTextAsync("Sensitive", new() { Timeout = Patience });
        await Expect(alice.GetByTestId("unsaved-classes")).ToHaveTextAsync("12 unsaved changes", new() { Timeout = Patience });
        await alice.GetByTestId("save-classes").ClickAsync();
        await Expect(alice.GetByTestId("unsaved-classes")).ToHaveCountAsync(0, new() { Timeout = Patience });
        // Saved, not just shown: the page read afresh has it.
        await alice.ReloadAsync();
        await Expect(admission.GetByRole(AriaRole.Combobox)).ToHaveTextAsync("Sensitive", new() { Timeout = Patience });
        await InteractiveAsync(alice);

        await OpenPanelAsync(alice, "Use conditions, terms and anonymization profile");
        await FillSteadyAsync(alice.GetByLabel("Data use (GA4GH DUO"), "DS:HIV");
        await FillSteadyAsync(alice.GetByLabel("Terms of use"), "Use the data only for the stated purpose. Do not attempt to re-identify anyone.");
        var profile = await File.ReadAllTextAsync(Path.Combine(Portal.Tests.Infrastructure.RepoPaths.Root, "deploy", "demo", "patients-profile.json"));
        await FillSteadyAsync(alice.GetByLabel("Anonymization profile"), profile);
        await Expect(alice.GetByLabel("Data use (GA4GH DUO")).ToHaveValueAsync("DS:HIV", new() { Timeout = Patience });
        await alice.GetByTestId("save-conditions").ClickAsync();
        // The profile generalizes admission_date as a quasi-identifier: it contradicts her classification, and the page
        // says which column and why.
        var refusal = alice.GetByTestId("dataset-error");
        await Expect(refusal).ToContainTextAsync("dataset.profile.contradicts_classification", Wait);
        await Expect(refusal).ToContainTextAsync("admission_date", Wait);
        await ChooseAsync(alice, admission.GetByRole(AriaRole.Combobox), "QuasiIdentifier");
        await alice.GetByTestId("save-classes").ClickAsync();
        await Expect(alice.GetByTestId("unsaved-classes")).ToHaveCountAsync(0, new() { Timeout = Patience });
        await FillSteadyAsync(alice.GetByLabel("Data use (GA4GH DUO"), "DS:HIV");
        await FillSteadyAsync(alice.GetByLabel("Terms of use"), "Use the data only for the stated purpose. Do not attempt to re-identify anyone.");
        await FillSteadyAsync(alice.GetByLabel("Anonymization profile"), profile);
        await alice.GetByTestId("save-conditions").ClickAsync();
        await Expect(alice.GetByText("use conditions DS:HIV")).ToBeVisibleAsync(Visible);

        await OpenPanelAsync(alice, "Activate or withdraw");
        await alice.GetByTestId("activate").ClickAsync();
        await Expect(alice.GetByTestId("dataset-status")).ToHaveTextAsync("Active", new() { Timeout = Patience });

        await OpenPanelAsync(alice, "Catalogues (VOs it is shared into)");
        var catalogues = Panel(alice, "Catalogues (VOs it is shared into)");
        await ChooseAsync(alice, catalogues.GetByRole(AriaRole.Combobox), voName);
        await catalogues.GetByRole(AriaRole.Button, new() { Name = "Share", Exact = true }).ClickAsync();
        await Expect(catalogues.Locator("table")).ToContainTextAsync(voName, Wait);

        // Step 3: Bob finds it in his VO's catalogue and asks for HIV research for 30 days, accepting the terms.
        await bob.GotoAsync("/researcher");
        var offered = bob.GetByTestId("catalogue").Locator("tr").Filter(new() { HasText = datasetName });
        await Expect(offered).ToContainTextAsync(voName, Wait);
        await InteractiveAsync(bob);
        await offered.GetByRole(AriaRole.Link, new() { Name = "Request access" }).ClickAsync();
        await Expect(bob).ToHaveURLAsync(new Regex($"/access-requests/new/{datasetId}$"), Arrive);
        await Expect(bob.GetByRole(AriaRole.Heading, new() { Name = $"Request access to {datasetName}" })).ToBeVisibleAsync(Visible);
        await InteractiveAsync(bob);
        var today = DateTime.UtcNow.Date;
        await Expect(DateBox(bob.Locator("body"), "From")).ToHaveValueAsync(Day(today), new() { Timeout = Patience });
        await bob.GetByLabel("Disease").FillAsync("HIV");
        await bob.GetByLabel("What the data is for").FillAsync("Long-term CD4 recovery after switching antiretroviral therapy.");
        await TypeDateAsync(DateBox(bob.Locator("body"), "Until"), today.AddDays(30));
        await Expect(bob.GetByTestId("terms")).ToContainTextAsync("Do not attempt to re-identify anyone.", Wait);
        await bob.GetByLabel("I have read and accept the terms of use, version").CheckAsync();
        await bob.GetByTestId("submit-request").ClickAsync();
        await Expect(bob).ToHaveURLAsync(new Regex("/access-requests$"), Arrive);
        var myRequest = bob.GetByTestId("my-requests").Locator("tr").Filter(new() { HasText = datasetName });
        await Expect(myRequest).ToContainTextAsync("DS:HIV", Wait);
        await Expect(myRequest).ToContainTextAsync($"{Day(today)} – {Day(today.AddDays(30))}", Wait);
        await Expect(myRequest).ToContainTextAsync("Pending", Wait);

        // The owner approves, for 14 days instead of 30.
        await alice.GotoAsync("/access-requests/inbox");
        var request = alice.GetByTestId("inbox-request").Filter(new() { HasText = datasetName });
        await Expect(request).ToContainTextAsync("Bob Researcher", Wait);
        await Expect(request).ToContainTextAsync("Purpose DS:HIV", Wait);
        await Expect(request).ToContainTextAsync($"{Day(today)} – {Day(today.AddDays(30))}", Wait);
        await InteractiveAsync(alice);
        var approvalDay = DateTime.UtcNow.Date;
        await TypeDateAsync(DateBox(request, "Grant until (empty: as asked)"), approvalDay.AddDays(14));
        await request.GetByTestId("approve").ClickAsync();
        await Expect(request).ToContainTextAsync("Approved", Wait);

        // The researcher sees the grant and when it ends, and it works: the download page delivers pseudonymised rows.
        var ends = $"{Day(approvalDay.AddDays(14))} 00:00 UTC";
        await bob.GotoAsync("/researcher");
        await Expect(bob.GetByTestId("my-grants").Locator("tr").Filter(new() { HasText = datasetName })).ToContainTextAsync(ends, Wait);
        // The grant links to the download page; opened as a fresh load (a click right while the circuit takes over the
        // prerendered page could be lost to enhanced navigation, which is Blazor's business, not this test's).
        await Expect(bob.GetByTestId("my-grants").GetByRole(AriaRole.Link, new() { Name = datasetName }))
            .ToHaveAttributeAsync("href", $"/datasets/{datasetId}", new() { Timeout = Patience });
        await bob.GotoAsync($"/datasets/{datasetId}");
        await InteractiveAsync(bob);
        await Expect(bob.GetByTestId("my-grants-here")).ToContainTextAsync(ends, Wait);
        await Expect(bob.GetByTestId("decision")).ToContainTextAsync("Permitted.", Wait);
        await Expect(bob.GetByTestId("curl")).ToContainTextAsync($"/api/datasets/{datasetId}/export?purpose=DS%3AHIV&format=csv", Wait);
        var download = await bob.RunAndWaitForDownloadAsync(() => bob.GetByTestId("download").ClickAsync(), new() { Timeout = Patience });
        var saved = Path.Combine(Path.GetTempPath(), $"three-steps-{Guid.NewGuid():N}.csv");
        await download.SaveAsAsync(saved);
        var header = File.ReadLines(saved).First();
        File.Delete(saved);
        Assert.Contains("patient_id", header, StringComparison.Ordinal);
        Assert.Contains("viral_load", header, StringComparison.Ordinal);
        Assert.DoesNotContain("first_name", header, StringComparison.Ordinal);

        await bob.GotoAsync("/grants");
        var grant = bob.GetByTestId("my-grants-table").Locator("tr").Filter(new() { HasText = datasetName });
        await Expect(grant).ToContainTextAsync("personal grant", Wait);
        await Expect(grant).ToContainTextAsync("DS:HIV", Wait);
        await Expect(grant).ToContainTextAsync(ends, Wait);
        await Expect(grant).ToContainTextAsync("Live", Wait);

        // The owner revokes, with a reason, from "who has access".
        await alice.GotoAsync($"/owner/datasets/{datasetId}");
        await InteractiveAsync(alice);
        await alice.GetByRole(AriaRole.Link, new() { Name = "Who has access" }).ClickAsync();
        await Expect(alice).ToHaveURLAsync(new Regex($"/grants/datasets/{datasetId}$"), Arrive);
        await Expect(alice.GetByTestId("who-has-access")).ToContainTextAsync("Bob Researcher", Wait);
        await Expect(alice.GetByTestId("who-has-access")).ToContainTextAsync(ends, Wait);
        await InteractiveAsync(alice);
        var reason = "Consent withdrawn by the ethics board; export no more.";
        var granted = alice.GetByTestId("grant").Filter(new() { HasText = "Bob Researcher" });
        await granted.GetByLabel("Reason to revoke").FillAsync(reason);
        await granted.GetByTestId("revoke").ClickAsync();
        await Expect(granted).ToContainTextAsync("Revoked", Wait);
        await Expect(granted).ToContainTextAsync(reason, Wait);
        await Expect(alice.GetByTestId("who-has-access")).ToContainTextAsync("Nobody.", Wait);

        // The researcher no longer has it: his grants page, reloaded, says so, and the export API refuses his session.
        await bob.ReloadAsync();
        await Expect(grant).ToContainTextAsync($"Revoked ({reason})", Wait);
        await Expect(grant).Not.ToContainTextAsync("Live", new() { Timeout = Patience });
        await Expect(grant.GetByRole(AriaRole.Button, new() { Name = "Ask for extension" })).ToHaveCountAsync(0, new() { Timeout = Patience });
        await bob.GotoAsync("/researcher");
        await Expect(bob.GetByTestId("catalogue").Locator("tr").Filter(new() { HasText = datasetName })).ToBeVisibleAsync(Visible);
        await Expect(bob.GetByTestId("my-grants").Locator("tr").Filter(new() { HasText = datasetName })).ToHaveCountAsync(0, new() { Timeout = Patience });
        var refused = await bob.Context.APIRequest.GetAsync($"/api/datasets/{datasetId}/export?purpose=DS:HIV&format=csv",
            new() { Timeout = Patience });
        Assert.Equal(403, refused.Status);

        // Behind the pages: one audit event per step, by the person who took it, and the grant as the pages told.
        var events = await AuditAsync(voId, datasetId);
        foreach (var (type, actor) in new[]
                 {
                     ("vo.created", "Alice Owner"), ("vo.invitation_created", "Alice Owner"), ("vo.invitation_accepted", "Bob Researcher"),
                     ("dataset.registered", "Alice Owner"), ("dataset.suggestions_read", "Alice Owner"), ("dataset.columns_classified", "Alice Owner"),
                     ("dataset.conditions_changed", "Alice Owner"), ("dataset.activated", "Alice Owner"), ("dataset.shared", "Alice Owner"),
                     ("access_request.created", "Bob Researcher"), ("access_request.approved", "Alice Owner"), ("grant.created", "Alice Owner"),
                     ("export.completed", "Bob Researcher"), ("grant.revoked", "Alice Owner"), ("export.denied", "Bob Researcher"),
                 })
        {
            Assert.Contains((type, actor), events);
        }
        await using var db = new NpgsqlConnection(portal.DatabaseConnectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT valid_until, revoked_at IS NOT NULL, revocation_reason FROM grants WHERE dataset_id = @d AND grantee_user_id = (SELECT id FROM users WHERE display_name = 'Bob Researcher')", db);
        cmd.Parameters.AddWithValue("d", datasetId);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "no grant row for Bob");
        Assert.Equal(new DateTimeOffset(approvalDay.AddDays(14), TimeSpan.Zero), reader.GetFieldValue<DateTimeOffset>(0));
        Assert.True(reader.GetBoolean(1));
        Assert.Equal(reason, reader.GetString(2));
        Assert.False(await reader.ReadAsync(), "more than one grant for Bob");
    }
}
