; WardAudit for Windows: Inno Setup 6 script (6.3 or later).
;
; Compile on Windows after building the bundle:
;     python installer\build.py --installer
; which runs  ISCC /DAppVersion=<wardaudit.__version__> /DAppVersionNumbers=<its numbers>
;                  /O<dist> installer\wardaudit.iss
; and writes dist\WardAudit-Setup-<version>.exe.
;
; What it does
; - Installs per user with no administrator rights (PrivilegesRequired=lowest), into
;   %LOCALAPPDATA%\Programs\WardAudit, with a Start-menu entry and an optional desktop icon.
;   IT staff with administrator rights may install for every user with /ALLUSERS.
; - Upgrades in place: the AppId below never changes, so a newer Setup replaces the
;   program folder and keeps the same Start-menu entry and uninstaller.
;
; What it never touches: the user's data.
; WardAudit keeps the database (wardaudit.sqlite3), its backups (the wardaudit-backups
; folder beside it), its log and display settings in the user data folder
; %LOCALAPPDATA%\WardAudit, which the program creates on first start. That folder is not
; the program folder, Setup installs nothing into it, and neither an upgrade nor the
; uninstaller deletes anything from it: there is deliberately no [UninstallDelete]
; section, and the uninstaller removes only the files Setup installed. Setup refuses a
; program folder that is, or holds, the data folder.

#define AppName "WardAudit"
#define AppExe "wardaudit.exe"
#define BundleDir AddBackslash(SourcePath) + "..\dist\wardaudit"
#ifndef AppVersion
  ; Compiled by hand: take the version from the built program's file properties.
  #define AppVersion GetVersionNumbersString(BundleDir + "\" + AppExe)
#endif
#ifndef AppVersionNumbers
  ; The file-properties version must be numbers only (build.py passes them for "1.2.0rc1").
  #define AppVersionNumbers AppVersion
#endif

[Setup]
; Never change the AppId: it is how an upgrade finds the installed WardAudit.
AppId={{76C8382E-50F3-44C3-8BAE-749A18240901}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersionNumbers}
VersionInfoProductName={#AppName}
; {autopf} is %LOCALAPPDATA%\Programs for a per-user install, Program Files with /ALLUSERS.
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Setup and the uninstaller wait while WardAudit is open (the program holds this mutex
; from the moment it starts), so files are never replaced under a running program.
AppMutex=WardAudit.Running
; If something still holds a program file, ask Windows to close it; never reopen it.
CloseApplications=yes
RestartApplications=no
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir=..\dist
OutputBaseFilename={#AppName}-Setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
SetupLogging=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; The previous version's libraries, so nothing stale is left beside the new ones. This is
; inside the program folder only; the data folder is elsewhere (see the top of this file).
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Ward environment audits"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Ward environment audits"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] section, on purpose: see the top of this file.

[Code]
function DataFolder: String;
begin
  Result := ExpandConstant('{localappdata}\{#AppName}');
end;

function IsSameOrInside(const Path, Folder: String): Boolean;
var
  P, F: String;
begin
  P := AddBackslash(Lowercase(ExpandFileName(Path)));
  F := AddBackslash(Lowercase(ExpandFileName(Folder)));
  Result := Copy(P, 1, Length(F)) = F;
end;

{ Runs in silent installs too: a program folder that overlaps the data folder stops Setup
  before anything is changed. }
function PrepareToInstall(var NeedsRestart: Boolean): String;
var
  App: String;
begin
  Result := '';
  App := ExpandConstant('{app}');
  if IsSameOrInside(App, DataFolder) or IsSameOrInside(DataFolder, App) then
    Result := 'WardAudit keeps its audits in ' + DataFolder + '. Choose a program folder '
      + 'outside it, such as ' + ExpandConstant('{autopf}\{#AppName}') + '.';
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox('WardAudit has been removed. Your audits, backups and settings are still in '
      + DataFolder + '; installing WardAudit again will find them there.',
      mbInformation, MB_OK);
end;
