namespace GenieHive.Routing.Planning;

/// <summary>
/// Who may take a request (reference section 4.1, with our fixes): each check returns the exclusion reason,
/// or null when the service passes. Cooldowns are not checked here: they expire with time, so the selector and
/// explanations apply them against the clock instead.
/// </summary>
internal static class Eligibility
{
    private static readonly string[] EmployeeTiers = ["employee_device", "personal_device"];

    /// <summary>Role eligibility on top of <see cref="Routability"/> (<see cref="ServiceFacts.AcceptReason"/>): trust tier, device class, workload class and context gates.</summary>
    public static string? ForRole(RoleFacts role, ServiceFacts service)
    {
        if (service.AcceptReason is { } reason)
        {
            return reason;
        }

        var host = service.Host;
        var tier = host.TrustTier;
        if (tier is not null && role.DeniedTrustTiers.Contains(tier))
        {
            return ExclusionReasons.TrustTierDenied(tier);
        }

        var tierExplicitlyAllowed = tier is not null && role.AllowedTrustTiers.Contains(tier);
        if (role.AllowedTrustTiers.Length > 0 && !tierExplicitlyAllowed)
        {
            return ExclusionReasons.TrustTierNotAllowed(tier);
        }

        if (tier is not null && EmployeeTiers.Contains(tier) && !role.Role.RoutingPolicy.AllowEmployeeDevices && !tierExplicitlyAllowed)
        {
            return ExclusionReasons.EmployeeDeviceNotAllowed;
        }

        var deviceClass = host.DeviceClass;
        if (deviceClass is not null && role.DeniedDeviceClasses.Contains(deviceClass))
        {
            return ExclusionReasons.DeviceClassDenied(deviceClass);
        }

        if (role.AllowedDeviceClasses.Length > 0 && (deviceClass is null || !role.AllowedDeviceClasses.Contains(deviceClass)))
        {
            return ExclusionReasons.DeviceClassNotAllowed(deviceClass);
        }

        foreach (var workloadClass in host.WorkloadClasses)
        {
            if (role.DeniedWorkloadClasses.Contains(workloadClass))
            {
                return ExclusionReasons.WorkloadClassDenied(workloadClass);
            }
        }

        if (role.AllowedWorkloadClasses.Length > 0 && !host.WorkloadClasses.Any(role.AllowedWorkloadClasses.Contains))
        {
            return ExclusionReasons.WorkloadClassNotAllowed;
        }

        // Unknown context is allowed: most engines do not report it, and refusing them would empty small clusters.
        if (role.Role.RoutingPolicy.MinContext is { } minContext && service.MaxContext is { } known && known < minContext)
        {
            return ExclusionReasons.ContextTooSmall(known, minContext);
        }

        return null;
    }
}
