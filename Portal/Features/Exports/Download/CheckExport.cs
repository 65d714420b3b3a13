using Portal.Policy.Model;

namespace Portal.Features.Exports.Download;

/// <summary>
/// What the policy engine decides now for a download from the page: the same engine and question the export will
/// ask (from the browser, so as the UI client). Nothing is audited: nothing leaves.
/// </summary>
public static class CheckExport
{
    public sealed record Input(Guid DatasetId, string? Purpose, bool Commercial, string? Ethics);

    public sealed record Verdict(bool Permit, IReadOnlyList<string> Reasons);

    public static Outcome<Verdict> Handle(ExportServices services, Caller caller, Input input)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        if (caller.UserId is not { } me)
        {
            return Failure.SignInRequired;
        }
        var ethics = string.IsNullOrWhiteSpace(input.Ethics) ? null : input.Ethics.Trim();
        if (!PurposeCodes.TryParseDeclared(input.Purpose, input.Commercial, ethics, out var declared, out var error))
        {
            return new Verdict(false, [error!]);
        }
        var decision = services.Engine.Decide(new AccessQuestion(me, PolicyAction.ExportData, input.DatasetId, services.Time.GetUtcNow(), declared, Client.Ui));
        return new Verdict(decision.IsPermit, [.. decision.Explain().Select(r => r.Sentence)]);
    }
}
