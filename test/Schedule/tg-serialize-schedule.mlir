// RUN: tangram-opt %s -split-input-file -verify-diagnostics -tg-serialize-schedule | FileCheck %s

// The schedule as a manifest plan: devices that run something, one code
// object per device exporting its executables, an input bound on each
// device that reads it, a weight likewise, an intermediate per value
// crossing devices, and the output as the last launch's result. Results
// sized at run time name their executable's shape function.
// CHECK: tg.manifest = "{\22format\22:\22tangram-bundle\22,\22version\22:2,
// CHECK-SAME: \22inputs\22:[{\22name\22:\22X\22,\22dtype\22:\22f32\22,\22shape\22:[-1,4],\22dim_names\22:[\22N\22,\22\22]}]
// CHECK-SAME: \22outputs\22:[{\22name\22:\22Y\22,\22dtype\22:\22f32\22,\22shape\22:[-1,4]
// CHECK-SAME: \22devices\22:[{\22id\22:0,\22name\22:\22cpu0\22,\22kind\22:\22cpu\22,{{.*}}},{\22id\22:1,\22name\22:\22cpu1\22,\22kind\22:\22cpu\22
// CHECK-SAME: \22code_objects\22:[{\22id\22:0,\22device\22:0,\22format\22:\22\22,\22section\22:0,\22exports\22:[{\22name\22:\22main_cpu0_0\22,\22args\22:1,\22results\22:1,\22shapes\22:\22main_cpu0_0_shapes\22},{\22name\22:\22main_cpu0_2\22,\22args\22:3,\22results\22:1,\22shapes\22:\22main_cpu0_2_shapes\22}]},{\22id\22:1,\22device\22:1,\22format\22:\22\22,\22section\22:0,\22exports\22:[{\22name\22:\22main_cpu1_1\22,\22args\22:2,\22results\22:1,\22shapes\22:\22main_cpu1_1_shapes\22}]}]
// CHECK-SAME: \22weights\22:[{\22id\22:0,\22name\22:\22w\22,\22dtype\22:\22f32\22,\22shape\22:[4],\22section\22:0,\22offset\22:0,\22size\22:16}]
// CHECK-SAME: \22buffers\22:[{\22id\22:0,\22kind\22:\22input\22,\22index\22:0,\22device\22:0},{\22id\22:1,\22kind\22:\22intermediate\22,\22dtype\22:\22f32\22,\22shape\22:[-1,4],\22device\22:0},{\22id\22:2,\22kind\22:\22intermediate\22,\22dtype\22:\22f32\22,\22shape\22:[-1,4],\22device\22:1},{\22id\22:3,\22kind\22:\22weight\22,\22index\22:0,\22device\22:1},{\22id\22:4,\22kind\22:\22intermediate\22,{{[^}]*}}\22device\22:1},{\22id\22:5,\22kind\22:\22intermediate\22,{{[^}]*}}\22device\22:0},{\22id\22:6,\22kind\22:\22weight\22,\22index\22:0,\22device\22:0},{\22id\22:7,\22kind\22:\22output\22,\22index\22:0,\22device\22:0}]
// CHECK-SAME: \22schedule\22:[{\22op\22:\22launch\22,\22device\22:0,\22code_object\22:0,\22export\22:0,\22args\22:[0],\22results\22:[1]},{\22op\22:\22transfer\22,\22src\22:1,\22dst\22:2},{\22op\22:\22launch\22,\22device\22:1,\22code_object\22:1,\22export\22:0,\22args\22:[2,3],\22results\22:[4]},{\22op\22:\22transfer\22,\22src\22:4,\22dst\22:5},{\22op\22:\22launch\22,\22device\22:0,\22code_object\22:0,\22export\22:1,\22args\22:[5,0,6],\22results\22:[7]}]
module attributes {tg.devices = [{id = "cpu0", target = "cpu"}, {id = "cpu1", target = "cpu"}, {id = "cpu2", target = "cpu"}]} {
  func.func @main(%x: tensor<?x4xf32> {tg.name = "X", tg.dims = ["N", ""]},
                  %w: tensor<4xf32> {tg.weight = 0 : i64, tg.weight_name = "w"})
      -> (tensor<?x4xf32> {tg.name = "Y"}) {
    %0 = tg.launch @main_cpu0_0 on "cpu0"(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
    %1 = tg.transfer %0 to "cpu1" : tensor<?x4xf32>
    %2 = tg.launch @main_cpu1_1 on "cpu1"(%1, %w) : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
    %3 = tg.transfer %2 to "cpu0" : tensor<?x4xf32>
    %4 = tg.launch @main_cpu0_2 on "cpu0"(%3, %x, %w) : (tensor<?x4xf32>, tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
    return %4 : tensor<?x4xf32>
  }
  func.func private @main_cpu0_0(%a: tensor<?x4xf32>) -> tensor<?x4xf32> attributes {tg.device = "cpu0"} {
    %0 = tg.relu %a : tensor<?x4xf32>
    return %0 : tensor<?x4xf32>
  }
  func.func private @main_cpu1_1(%a: tensor<?x4xf32>, %w: tensor<4xf32>) -> tensor<?x4xf32> attributes {tg.device = "cpu1"} {
    %0 = tg.add %a, %w : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
    return %0 : tensor<?x4xf32>
  }
  func.func private @main_cpu0_2(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>, %w: tensor<4xf32>) -> tensor<?x4xf32> attributes {tg.device = "cpu0"} {
    %0 = tg.add %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
    %1 = tg.add %0, %w : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
    return %1 : tensor<?x4xf32>
  }
}

// -----

// expected-error @below {{the schedule holds 'tg.relu': run tg-outline-executables first}}
module attributes {tg.devices = [{id = "cpu0", target = "cpu"}]} {
  func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
    %0 = tg.relu %x : tensor<4xf32>
    return %0 : tensor<4xf32>
  }
}
