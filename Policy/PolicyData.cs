using Portal.Policy.Duo;
using Portal.Policy.Model;

namespace Portal.Policy;

/// <summary>Everything the policy needs, for a bulk build (start-up, or a full reload after missed notifications).</summary>
public sealed record PolicyData(
    IReadOnlyCollection<Subject> Subjects,
    IReadOnlyCollection<Membership> Memberships,
    IReadOnlyCollection<Dataset> Datasets,
    IReadOnlyCollection<Grant> Grants,
    DiseaseHierarchy? Diseases = null);
