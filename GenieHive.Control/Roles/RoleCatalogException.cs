namespace GenieHive.Control.Roles;

/// <summary>The role catalog is invalid: Control refuses to start. The message names the file and the field.</summary>
public sealed class RoleCatalogException(string message, Exception? inner = null) : Exception(message, inner);
