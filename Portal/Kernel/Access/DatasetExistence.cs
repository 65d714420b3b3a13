using Portal.Policy;
using Portal.Policy.Model;

namespace Portal.Kernel.Access;

/// <summary>
/// Whether a denial would tell the caller that a dataset id exists. Someone who neither sees the dataset in a catalogue
/// nor holds a grant on it (or whom the engine does not know yet, e.g. in the moment after a first sign-in) gets the
/// answer an id that names nothing gets: the refusal's real reasons stay in the audit trail only. Visibility is the
/// person's, not the token's, so it is asked as the UI client.
/// </summary>
public static class DatasetExistence
{
    public const string UnknownCode = "dataset.unknown";

    public static bool IsHiddenFrom(PolicyEngine engine, Guid person, Guid datasetId, Decision decision, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (decision.IsPermit)
        {
            return false;
        }
        var codes = decision.Explain().Select(r => r.Code).ToList();
        if (codes.Contains(UnknownCode))
        {
            return true;
        }
        if (!codes.Contains("grant.none") && !codes.Contains("subject.unknown"))
        {
            return false;
        }
        return !engine.Decide(new AccessQuestion(person, PolicyAction.ViewMetadata, datasetId, now, default, Client.Ui)).IsPermit;
    }
}
