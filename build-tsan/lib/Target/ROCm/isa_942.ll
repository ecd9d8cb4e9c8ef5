; The ISA-version device library of one architecture (what
; rocm-device-libs ships as oclc_isa_version_NNN.bc), for an architecture
; newer than the installed package.
target triple = "amdgcn-amd-amdhsa"

@__oclc_ISA_version = linkonce_odr protected local_unnamed_addr addrspace(4) constant i32 9402, align 4
