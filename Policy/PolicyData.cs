using Portal.Policy.Duo;
using Portal.Policy.Model;

namespace Portal.Policy;

/// <summary>Everything the policy needs, for a bulk build (start-up, or a full reload after missed notifications).</summary>
public sealed record PolicyData(
    IReadOnlyCollection<Subject> Subjects,
    IReadOnlyCollection<MembershipFact> Memberships,
    IReadOnlyCollection<DatasetFact> Datasets,
    IReadOnlyCollection<GrantFact> Grants,
    DiseaseHierarchy? Diseases = null);
