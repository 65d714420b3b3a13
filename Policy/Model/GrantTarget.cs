namespace Portal.Policy.Model;

public enum GrantTargetKind : byte
{
    Person,
    Vo,
    VoRole,
    VoInstitution,
}

/// <summary>Who a grant is for. Build it with the factory methods so that the ids that matter are set.</summary>
public readonly record struct GrantTarget(GrantTargetKind Kind, Guid UserId, Guid VoId, MemberRole Role, Guid InstitutionId)
{
    public static GrantTarget Person(Guid userId) => new(GrantTargetKind.Person, userId, Guid.Empty, default, Guid.Empty);

    public static GrantTarget WholeVo(Guid voId) => new(GrantTargetKind.Vo, Guid.Empty, voId, default, Guid.Empty);

    public static GrantTarget RoleInVo(Guid voId, MemberRole role) => new(GrantTargetKind.VoRole, Guid.Empty, voId, role, Guid.Empty);

    public static GrantTarget InstitutionInVo(Guid voId, Guid institutionId) =>
        new(GrantTargetKind.VoInstitution, Guid.Empty, voId, default, institutionId);

    /// <summary>The id the snapshot indexes the grant under: the person, or the VO.</summary>
    public Guid PrincipalId => Kind == GrantTargetKind.Person ? UserId : VoId;
}
