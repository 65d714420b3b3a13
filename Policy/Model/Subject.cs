namespace Portal.Policy.Model;

/// <summary>A portal user as the policy sees it. Memberships are kept apart (<see cref="MembershipFact"/>) because they change on their own.</summary>
public sealed record Subject(Guid Id, Guid HomeInstitutionId, bool Suspended = false);
