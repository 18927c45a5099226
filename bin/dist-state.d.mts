// Types of dist-state.mjs, for the TypeScript that imports it (the start-up benchmark, the launcher's test).
export declare const SOURCE_FOLDERS: readonly string[];
export declare const BUILD_FILES: readonly string[];
export declare const STATE_FILE: string;
export declare function isBuildInput(path: string): boolean;
export declare function buildInputs(root: string): string[];
export declare function sourceDigest(root: string, inputs?: string[]): string;
export declare function readBuildState(root: string): { digest: string; builtAt: string } | undefined;
export declare function distIsCurrent(root: string): boolean;
