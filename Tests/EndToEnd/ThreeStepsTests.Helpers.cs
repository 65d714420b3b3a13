using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Npgsql;

namespace Portal.EndToEnd;

/// <summary>How the three-steps journey waits, types and reads like a person: the page helpers and the audit read-back.</summary>
public sealed partial class ThreeStepsTests
{
    // The machine is shared with parallel builds: wait for what a person would wait for, up to half a minute.
    private const float Patience = 30_000;

    private readonly List<IPage> _pages = [];

    private async Task<IPage> SignedInAsync(string name)
    {
        var context = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = portal.BaseUrl.ToString() });
        context.SetDefaultTimeout(Patience);
        context.SetDefaultNavigationTimeout(Patience);
        var page = await context.NewPageAsync();
        _pages.Add(page);
        await page.GotoAsync("/signin");
        await IdpLogin.SignInAsync(page, name);
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync(name, new() { Timeout = Patience });
        return page;
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    private static readonly LocatorAssertionsToContainTextOptions Wait = new() { Timeout = Patience };
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = Patience };
    private static readonly PageAssertionsToHaveURLOptions Arrive = new() { Timeout = Patience };

    /// <summary>The prerendered page shows buttons before the circuit is up; clicks before that go nowhere.</summary>
    private static Task InteractiveAsync(IPage page) =>
        page.Locator("#portal-interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = Patience });

    /// <summary>A MudSelect is no &lt;select&gt; but a combobox: open its list, pick the option by its text.</summary>
    private static async Task ChooseAsync(IPage page, ILocator select, string option)
    {
        await select.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true })).ToHaveCountAsync(0, new() { Timeout = Patience });
    }

    /// <summary>Editable date pickers take yyyy-MM-dd typed in; Enter commits the text.</summary>
    /// <summary>
    /// Types a date into a MudDatePicker's text box. Typing can race the page becoming interactive after a navigation
    /// (the prerendered box is replaced and the text lost), so it types again until the box keeps the value; Escape
    /// closes the calendar that focusing opens (its dialog carries the same label).
    /// </summary>
    private static async Task TypeDateAsync(ILocator input, DateTime date)
    {
        for (var attempt = 1; ; attempt++)
        {
            await input.FillAsync(Day(date));
            await input.PressAsync("Enter");
            await input.PressAsync("Escape");
            try
            {
                await Expect(input).ToHaveValueAsync(Day(date), new() { Timeout = attempt < 5 ? 3000 : Patience });
                return;
            }
            catch (PlaywrightException) when (attempt < 5)
            {
                // typed into a box that was then replaced: type again
            }
        }
    }

    /// <summary>
    /// Fills a field and waits until it keeps the text: a page that is still settling (a panel's first render, the
    /// circuit taking over the prerendered form) can replace a field typed into a moment too early.
    /// </summary>
    private static async Task FillSteadyAsync(ILocator input, string text)
    {
        for (var attempt = 1; ; attempt++)
        {
            await input.FillAsync(text);
            await input.BlurAsync();
            try
            {
                await Expect(input).ToHaveValueAsync(text, new() { Timeout = attempt < 5 ? 3000 : Patience });
                await Task.Yield();
                await Expect(input).ToHaveValueAsync(text, new() { Timeout = 1000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 5)
            {
                // the field was replaced after typing: type again
            }
        }
    }

    private static ILocator DateBox(ILocator scope, string label) => scope.GetByRole(AriaRole.Textbox, new() { Name = label, Exact = true });

    private static string Day(DateTime date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static ILocator Panel(IPage page, string title) => page.Locator(".mud-expand-panel").Filter(new() { HasText = title });

    private static async Task OpenPanelAsync(IPage page, string title)
    {
        var panel = Panel(page, title);
        await panel.Locator(".mud-expand-panel-header").ClickAsync();
        await Expect(panel.Locator(".mud-expand-panel-content")).ToBeVisibleAsync(Visible);
    }

    private async Task<List<(string Type, string Actor)>> AuditAsync(Guid voId, Guid datasetId)
    {
        await using var db = new NpgsqlConnection(portal.DatabaseConnectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT type, actor_name FROM audit_events WHERE outcome <> 'Failure' AND (vo_id = @vo OR dataset_id = @d) ORDER BY chain_seq", db);
        cmd.Parameters.AddWithValue("vo", voId);
        cmd.Parameters.AddWithValue("d", datasetId);
        var events = new List<(string, string)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            events.Add((reader.GetString(0), reader.IsDBNull(1) ? "" : reader.GetString(1)));
        }
        return events;
    }

    [GeneratedRegex("/vos/([0-9a-f-]{36})$")]
    private static partial Regex VoPage();

    [GeneratedRegex("/owner/datasets/([0-9a-f-]{36})$")]
    private static partial Regex DatasetPage();
}
